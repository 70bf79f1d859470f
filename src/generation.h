/*
 * The read cache's generation: a value nginx puts in its cache key, which
 * changes whenever committed data may have changed.  The master maps it
 * before forking, the listener (listener.h) advances it on every NOTIFY
 * bench_data, and workers report it to nginx.  While nobody is listening,
 * or the listener's session has not answered a ping for GENERATION_LEASE_MS,
 * every report is a new value, so nothing cached is ever served.
 */
#ifndef BENCHINGEST_GENERATION_H
#define BENCHINGEST_GENERATION_H

#include <stdbool.h>
#include <stddef.h>

#define GENERATION_TEXT_MAX	48
/* The longest a read answered from cache can miss a commit. */
#define GENERATION_LEASE_MS	800

/* Maps the shared state; in the master, before any child exists. */
int	generation_init(void);
void	generation_advance(void);
/* A listener's session started or ended. */
void	generation_set_listening(bool);
/*
 * The listener's session answered a query sent at sent_ms: every
 * notification committed before then has been counted.
 */
void	generation_confirm(long long sent_ms);
/* Milliseconds on a clock every process of the host shares. */
long long generation_now_ms(void);
/* The master reaped listener pid, however it ended. */
void	generation_listener_gone(int pid);
bool	generation_listening(void);
/* "<instance>-<n>": unique to this master, so two hosts never share one. */
void	generation_text(char *buf, size_t size);

#endif
