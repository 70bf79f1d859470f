/*
 * The read cache's generation: a value nginx puts in its cache key, which
 * changes whenever committed data may have changed.  The master maps it
 * before forking, the listener (listener.h) advances it on every NOTIFY
 * bench_data, and workers report it to nginx.  While nobody is listening,
 * every report is a new value, so nothing cached is ever served.
 */
#ifndef BENCHINGEST_GENERATION_H
#define BENCHINGEST_GENERATION_H

#include <stdbool.h>
#include <stddef.h>

#define GENERATION_TEXT_MAX	48

/* Maps the shared state; in the master, before any child exists. */
int	generation_init(void);
void	generation_advance(void);
/* A listener's session started or ended. */
void	generation_set_listening(bool);
/* The master reaped listener pid, however it ended. */
void	generation_listener_gone(int pid);
bool	generation_listening(void);
/* "<instance>-<n>": unique to this master, so two hosts never share one. */
void	generation_text(char *buf, size_t size);

#endif
