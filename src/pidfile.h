/*
 * The pidfile (-p, pid_file): locked by the master from start to exit,
 * so that a second instance with the same file refuses to start, and
 * holding the master's pid once it listens.  The lock is a POSIX record
 * lock, which children do not inherit.
 */
#ifndef BENCHINGEST_PIDFILE_H
#define BENCHINGEST_PIDFILE_H

#include <stddef.h>

/* Opens and locks path; the descriptor, or -1 with why filled. */
int	pidfile_lock(const char *path, char *why, size_t whylen);
/* Writes our pid into the locked file. */
int	pidfile_write(int fd, const char *path, char *why, size_t whylen);
/* At exit: removes path and drops the lock. */
void	pidfile_remove(int fd, const char *path);

#endif
