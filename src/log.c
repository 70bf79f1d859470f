/* The logger: destinations, the line format, escaping; see log.h. */
#include <syslog.h>

/*
 * syslog.h's LOG_INFO and LOG_DEBUG are also names of our levels: take
 * its priorities and facilities here, then let log.h's names win.
 */
static const int syslog_priority[] = { LOG_ERR, LOG_WARNING, LOG_INFO,
    LOG_DEBUG };
static const struct {
	const char *name;
	int facility;
} facilities[] = {
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};
#undef LOG_INFO
#undef LOG_DEBUG

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LINE_MAX_BYTES	4096	/* PIPE_BUF: atomic on a pipe too */
#define PATH_MAX_BYTES	4096

static enum log_level threshold = LOG_INFO;
static const char *const level_names[] = { "error", "warn", "info", "debug" };
static const char *const dest_names[] = { "stderr", "file", "syslog" };
static enum log_dest dest = LOG_DEST_STDERR;
static int fd = STDERR_FILENO;
static char path[PATH_MAX_BYTES];	/* the log file, for log_reopen() */
static uid_t owner = (uid_t)-1;
static bool starting;

void
log_set_level(enum log_level level)
{
	threshold = level;
}

/* The index of s in names[0..n-1], or -1. */
static int
name_index(const char *s, const char *const *names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	int i = name_index(s, level_names, LOG_DEBUG + 1);

	if (i == -1)
		return -1;
	*out = (enum log_level)i;
	return 0;
}

int
log_dest_parse(const char *s, enum log_dest *out)
{
	int i = name_index(s, dest_names, LOG_DEST_SYSLOG + 1);

	if (i == -1)
		return -1;
	*out = (enum log_dest)i;
	return 0;
}

int
log_facility_parse(const char *s, int *out)
{
	size_t i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(s, facilities[i].name) == 0) {
			*out = facilities[i].facility;
			return 0;
		}
	return -1;
}

/* Opens path for appending; only async-signal-safe calls. */
static int
open_file(const char *p)
{
	int f;

	if ((f = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOCTTY, 0640)) == -1)
		return -1;
	if (owner != (uid_t)-1 && geteuid() == 0)
		(void)fchown(f, owner, (gid_t)-1);
	return f;
}

int
log_open(enum log_dest to, const char *file, int facility, uid_t uid,
    char *why, size_t whylen)
{
	int f;

	if (to == LOG_DEST_FILE) {
		if (strlen(file) >= sizeof(path)) {
			snprintf(why, whylen, "log_file: path too long");
			return -1;
		}
		owner = uid;
		if ((f = open_file(file)) == -1) {
			snprintf(why, whylen, "log_file %s: %s", file,
			    strerror(errno));
			return -1;
		}
		memcpy(path, file, strlen(file) + 1);
		fd = f;
	} else if (to == LOG_DEST_SYSLOG)
		/* Connect now, while /dev/log is surely reachable. */
		openlog("benchingest", LOG_PID | LOG_NDELAY, facility);
	dest = to;
	return 0;
}

int
log_reopen(void)
{
	int f, rc = 0;

	if (dest != LOG_DEST_FILE)
		return 0;
	if ((f = open_file(path)) == -1)
		return -1;
	/* Same number: a write in flight goes to one file or the other. */
	if (f != fd) {
		if (dup3(f, fd, O_CLOEXEC) == -1)
			rc = -1;
		close(f);
	}
	return rc;
}

static void
on_reopen(int sig)
{
	int saved = errno;

	(void)sig;
	(void)log_reopen();
	errno = saved;
}

void
log_reopen_on(int sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_reopen;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(sig, &sa, NULL);
}

void
log_starting(bool on)
{
	starting = on;
}

/* "2026-11-24T10:00:00.123456Z ", the time in UTC. */
static int
timestamp(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	return (int)n + snprintf(buf + n, size - n, ".%06ldZ ",
	    ts.tv_nsec / 1000);
}

/* Control bytes of a message as \n, \r, \t or \xHH: it stays one line. */
static size_t
escape_controls(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (; *src != '\0' && n + 5 < size; src++) {
		unsigned char c = (unsigned char)*src;

		if (c >= 0x20 && c != 0x7f) {
			dst[n++] = (char)c;
			continue;
		}
		dst[n++] = '\\';
		if (c == '\n')
			dst[n++] = 'n';
		else if (c == '\r')
			dst[n++] = 'r';
		else if (c == '\t')
			dst[n++] = 't';
		else {
			dst[n++] = 'x';
			dst[n++] = hex[c >> 4];
			dst[n++] = hex[c & 15];
		}
	}
	dst[n] = '\0';
	return n;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[LINE_MAX_BYTES], esc[LINE_MAX_BYTES], line[LINE_MAX_BYTES];
	va_list ap;
	int saved = errno, n;

	if (level > threshold)
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(msg))
		memcpy(msg + sizeof(msg) - 5, "\\...", 5);
	escape_controls(esc, sizeof(esc), msg);
	if (dest == LOG_DEST_SYSLOG)
		syslog(syslog_priority[level], "%s", esc);
	else {
		n = timestamp(line, sizeof(line));
		n += snprintf(line + n, sizeof(line) - (size_t)n,
		    "benchingest[%ld]: %s: %s", (long)getpid(),
		    level_names[level], esc);
		if (n > (int)sizeof(line) - 1)
			n = (int)sizeof(line) - 1;
		line[n++] = '\n';
		(void)write(fd, line, (size_t)n);
	}
	if (starting && dest != LOG_DEST_STDERR && level == LOG_ERROR)
		fprintf(stderr, "benchingest: %s\n", esc);
	errno = saved;
}

/* How many bytes c takes in a field. */
static size_t
escaped_len(unsigned char c, bool quoted)
{
	if (c == '"' || c == '\\')
		return 2;
	if ((c > ' ' && c < 0x7f) || (c == ' ' && quoted))
		return 1;
	return 4;
}

bool
log_escape(char *dst, size_t size, const char *src, bool quoted)
{
	static const char hex[] = "0123456789abcdef";
	const char *p;
	size_t n = 0, total = 0, room = size - 1;
	unsigned char c;
	bool cut;

	for (p = src; *p != '\0'; p++)
		total += escaped_len((unsigned char)*p, quoted);
	/* Cut, the field keeps room for the marker. */
	cut = total > room;
	if (cut)
		room -= 4;
	for (p = src; (c = (unsigned char)*p) != '\0'; p++) {
		if (n + escaped_len(c, quoted) > room)
			break;
		if (escaped_len(c, quoted) == 4) {
			dst[n++] = '\\';
			dst[n++] = 'x';
			dst[n++] = hex[c >> 4];
			dst[n++] = hex[c & 15];
			continue;
		}
		if (escaped_len(c, quoted) == 2)
			dst[n++] = '\\';
		dst[n++] = (char)c;
	}
	if (cut) {
		memcpy(dst + n, "\\...", 4);
		n += 4;
	}
	dst[n] = '\0';
	return cut;
}
