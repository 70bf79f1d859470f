/* The FastCGI listening socket: opened here, or inherited on fd 0. */
#ifndef BENCHINGEST_LISTEN_H
#define BENCHINGEST_LISTEN_H

#include <stddef.h>

/* addr is a Unix socket path (has a '/') or HOST:PORT. */
int	listen_open(const char *addr, char *why, size_t whylen);
/* fd 0 when spawn-fcgi (or systemd) passed a listening socket, else -1. */
int	listen_inherited(void);
int	listen_nonblocking(int fd);

#endif
