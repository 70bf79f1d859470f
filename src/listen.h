/*
 * The FastCGI listening socket: opened here (-s), passed by systemd
 * (LISTEN_FDS), or inherited on fd 0 (spawn-fcgi).
 */
#ifndef BENCHINGEST_LISTEN_H
#define BENCHINGEST_LISTEN_H

#include <sys/types.h>

#include <stddef.h>

/* A Unix socket's owner and group (NULL: ours) and mode. */
struct listen_perms {
	const char *user;
	const char *group;
	mode_t mode;
};

/* addr is a Unix socket path (has a '/') or HOST:PORT. */
int	listen_open(const char *addr, const struct listen_perms *,
	    char *why, size_t whylen);
/* The socket systemd passed (LISTEN_FDS), -2 when none, -1 on error. */
int	listen_systemd(char *why, size_t whylen);
/* fd 0 when spawn-fcgi passed a listening socket, else -1. */
int	listen_inherited(void);
int	listen_nonblocking(int fd);

#endif
