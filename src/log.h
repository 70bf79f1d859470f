/*
 * One line per event on stderr, written with a single write(2) so that
 * lines of concurrent workers never interleave.  spawn-fcgi, systemd and the
 * journal all collect stderr.
 */
#ifndef BENCHINGEST_LOG_H
#define BENCHINGEST_LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void	log_set_level(enum log_level);
int	log_level_parse(const char *, enum log_level *);
void	log_msg(enum log_level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
