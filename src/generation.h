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
/*
 * Data may have changed.  The listener calls it on every NOTIFY, and so
 * does a worker after its own COMMIT (or revalidate) and before it answers
 * 200: that 200 then means every read through this host sees the write.
 * nginx reads the generation before it looks in its cache, and a read
 * stores its answer under the generation it read first; so an answer
 * stored under the new generation was computed by a read that started
 * after the advance, hence after the COMMIT, in a snapshot that has it.
 * A read that got the generation before the advance stores its answer
 * under the old one, which no later read asks for.
 */
void	generation_advance(void);
/* A listener's session started or ended. */
void	generation_set_listening(bool);
/*
 * The listener's session answered a query sent at sent_ms (clock_ms()):
 * every notification committed before then has been counted.
 */
void	generation_confirm(long long sent_ms);
/* The master reaped listener pid, however it ended. */
void	generation_listener_gone(int pid);
bool	generation_listening(void);
/*
 * nginx may answer from its cache: a listener is up and its last answered
 * ping was sent within GENERATION_LEASE_MS.
 */
bool	generation_cacheable(void);
/* For the metrics: how many times the generation has changed. */
unsigned long long generation_changes(void);
/* When the last answered ping was sent (clock_ms()); 0: never. */
long long generation_confirmed_ms(void);
/* "<instance>-<n>": unique to this master, so two hosts never share one. */
void	generation_text(char *buf, size_t size);

#endif
