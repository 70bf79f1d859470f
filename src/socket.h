/*
 * The FastCGI listening socket: opened here (-s), passed by systemd
 * (LISTEN_FDS), or inherited on fd 0 (spawn-fcgi).
 */
#ifndef BENCHINGEST_SOCKET_H
#define BENCHINGEST_SOCKET_H

#include <sys/types.h>

#include <stddef.h>

/* A Unix socket's owner and group (NULL: ours) and mode. */
struct socket_perms {
	const char *user;
	const char *group;
	mode_t mode;
};

/* addr is a Unix socket path (has a '/') or HOST:PORT. */
int	socket_open(const char *addr, const struct socket_perms *,
	    char *why, size_t whylen);
/* The socket systemd passed (LISTEN_FDS), -2 when none, -1 on error. */
int	socket_systemd(char *why, size_t whylen);
/* fd 0 when spawn-fcgi passed a listening socket, else -1. */
int	socket_inherited(void);
int	socket_nonblocking(int fd);

#endif
