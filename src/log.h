/*
 * The one logger of every process, start-up errors included: one line per
 * event, to the destination the operator chose (stderr, a file reopened on
 * SIGUSR1, or syslog).  Each line is written with a single write(2), so
 * lines of concurrent children never interleave, and carries an RFC 3339
 * UTC timestamp.  No byte of a message can end its line: control bytes
 * are written escaped.  Fields that come from clients go through
 * log_escape() first, so that they cannot forge another field either.
 */
#ifndef BENCHINGEST_LOG_H
#define BENCHINGEST_LOG_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };
enum log_dest { LOG_DEST_STDERR, LOG_DEST_FILE, LOG_DEST_SYSLOG };

/* The bytes of an escaped field before log_escape() cuts it. */
#define LOG_FIELD_MAX	2048

void	log_set_level(enum log_level);
int	log_level_parse(const char *, enum log_level *);
int	log_dest_parse(const char *, enum log_dest *);
/* "daemon", "user", "local0" ... "local7" into a syslog(3) facility. */
int	log_facility_parse(const char *, int *);

/*
 * From now on, lines go to dest: for LOG_DEST_FILE, path is opened for
 * appending (created 0640) and, when owner is not -1 and we are root,
 * given to owner so that children which dropped to it can reopen it.
 * Returns 0, or -1 with why filled and the destination unchanged.
 */
int	log_open(enum log_dest, const char *path, int facility, uid_t owner,
	    char *why, size_t whylen);
/*
 * Reopens the log file at its path (after logrotate moved it), keeping the
 * descriptor number; 0 or -1 (the old file stays in use).  A no-op for
 * stderr and syslog.  Async-signal-safe.
 */
int	log_reopen(void);
/* Makes signal sig reopen the log file in this process. */
void	log_reopen_on(int sig);
/*
 * While starting, errors also go to stderr when the destination is
 * another, so that an operator at a terminal sees why a start failed.
 */
void	log_starting(bool);

void	log_msg(enum log_level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Writes src into dst (size bytes, NUL-terminated) as one log field:
 * printable ASCII as is, '"' and '\\' preceded by a backslash, any other
 * byte as \xHH, and space as \x20 unless quoted (the field is written
 * between quotes).  A field that does not fit ends with the marker "\..."
 * (a backslash and a dot, which no escape makes).  size is at least 5.
 * Returns true when it was cut.
 */
bool	log_escape(char *dst, size_t size, const char *src, bool quoted);

#endif
