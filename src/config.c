/* benchingest.conf: the key table, the parser, token files. */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#define TOKEN_MAX	4096

enum key_type { KEY_STRING, KEY_INT, KEY_TOKEN_FILE, KEY_LOG_LEVEL,
    KEY_LOG_DEST, KEY_FACILITY, KEY_MODE };

/*
 * A key: its name, how its value is read, where it goes, the range of an
 * integer (or mode), and its default, written as in the file (NULL: none;
 * max_concurrent_reads's follows from workers, in config_load()).
 * benchingest.conf(5) documents every row with the same default
 * (t/man-pages.t).
 */
struct key {
	const char *name;
	enum key_type type;
	size_t offset;		/* into struct config */
	long long min, max;	/* KEY_INT and KEY_MODE only */
	const char *def;
};

#define OFF(m)	offsetof(struct config, m)

static const struct key keys[] = {
	{ "database", KEY_STRING, OFF(database), 0, 0, NULL },
	{ "workers", KEY_INT, OFF(workers), 1, CONFIG_WORKERS_MAX, "2" },
	{ "max_requests", KEY_INT, OFF(max_requests), 0, INT_MAX, "0" },
	{ "max_body_bytes", KEY_INT, OFF(max_body_bytes), 1, 1LL << 30,
	  "67108864" },
	{ "ingest_token_file", KEY_TOKEN_FILE, OFF(ingest_token), 0, 0, NULL },
	{ "revalidate_token_file", KEY_TOKEN_FILE, OFF(revalidate_token),
	  0, 0, NULL },
	{ "statement_timeout", KEY_INT, OFF(statement_timeout), 0, INT_MAX,
	  "30000" },
	{ "read_timeout", KEY_INT, OFF(read_timeout), 0, INT_MAX, "10000" },
	{ "max_concurrent_reads", KEY_INT, OFF(max_concurrent_reads), 1, 256,
	  NULL },
	{ "read_prepared_statements", KEY_INT, OFF(read_prepared_statements),
	  0, 1024, "64" },
	{ "log_level", KEY_LOG_LEVEL, OFF(log_level), 0, 0, "info" },
	{ "max_records", KEY_INT, OFF(max_records), 0, INT_MAX, "1000000" },
	{ "max_string_bytes", KEY_INT, OFF(max_string_bytes), 1, 1LL << 30,
	  "16777216" },
	{ "user", KEY_STRING, OFF(user), 0, 0, NULL },
	{ "shutdown_timeout", KEY_INT, OFF(shutdown_timeout), 1, 86400, "300" },
	{ "log_destination", KEY_LOG_DEST, OFF(log_dest), 0, 0, "stderr" },
	{ "log_file", KEY_STRING, OFF(log_file), 0, 0, NULL },
	{ "syslog_facility", KEY_FACILITY, OFF(syslog_facility), 0, 0,
	  "daemon" },
	{ "pid_file", KEY_STRING, OFF(pid_file), 0, 0, NULL },
	{ "socket_user", KEY_STRING, OFF(socket_user), 0, 0, NULL },
	{ "socket_group", KEY_STRING, OFF(socket_group), 0, 0, NULL },
	{ "socket_mode", KEY_MODE, OFF(socket_mode), 0, 0777, "0660" },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
parse_int(const char *s, long long min, long long max, long long *out)
{
	long long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (LLONG_MAX - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int
parse_octal(const char *s, long long max, long long *out)
{
	long long v = 0;

	if (*s == '\0' || strlen(s) > 4)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '7')
			return -1;
		v = v * 8 + (*s - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * Whether a token file may be trusted, as ssh's StrictModes decides for a
 * user's files: owned by the reader or root, writable by nobody else.
 * Besides, nobody else may read it (a token anyone on the host can read is
 * no secret), and it is the file itself, not a symbolic link.  Its group
 * may read it: root:benchingest 0640 is fine.
 */
static int
token_file_safe(const char *path, const struct stat *st, char *why,
    size_t whylen)
{
	if (!S_ISREG(st->st_mode))
		snprintf(why, whylen, "%s is not a regular file", path);
	else if (st->st_uid != geteuid() && st->st_uid != 0)
		snprintf(why, whylen, "%s is owned by uid %ld, neither this "
		    "process's user (uid %ld) nor root; chown it", path,
		    (long)st->st_uid, (long)geteuid());
	else if (st->st_mode & (S_IWGRP | S_IWOTH))
		snprintf(why, whylen, "%s is writable by %s; chmod go-w %s",
		    path, st->st_mode & S_IWOTH ? "others" : "its group", path);
	else if (st->st_mode & S_IROTH)
		snprintf(why, whylen, "%s is readable by others; "
		    "chmod o-rwx %s", path, path);
	else
		return 0;
	return -1;
}

/* A token file holds the token on its first line. */
static int
read_token_file(const char *path, char **out, char *why, size_t whylen)
{
	char buf[TOKEN_MAX + 2], *nl;
	struct stat st;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		if (errno == ELOOP)
			snprintf(why, whylen, "%s is a symbolic link; name the "
			    "file itself", path);
		else
			snprintf(why, whylen, "cannot read %s: %s", path,
			    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		snprintf(why, whylen, "cannot read %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	if (token_file_safe(path, &st, why, whylen) == -1) {
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n == -1) {
		snprintf(why, whylen, "cannot read %s: %s", path,
		    strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = '\0';
	else if (n > TOKEN_MAX) {
		snprintf(why, whylen, "%s: token longer than %d bytes", path,
		    TOKEN_MAX);
		return -1;
	}
	if ((*out = strdup(trim(buf))) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	return 0;
}

static int
set_key(struct config *cfg, const struct key *k, const char *value,
    char *why, size_t whylen)
{
	char *base = (char *)cfg + k->offset;
	long long v;

	switch (k->type) {
	case KEY_STRING:
		if (*value == '\0') {
			snprintf(why, whylen, "%s: empty value", k->name);
			return -1;
		}
		if ((*(char **)(void *)base = strdup(value)) == NULL) {
			snprintf(why, whylen, "out of memory");
			return -1;
		}
		return 0;
	case KEY_INT:
		if (parse_int(value, k->min, k->max, &v) == -1) {
			snprintf(why, whylen, "%s: expected an integer from "
			    "%lld to %lld, got \"%.64s\"", k->name, k->min,
			    k->max, value);
			return -1;
		}
		*(long long *)(void *)base = v;
		return 0;
	case KEY_TOKEN_FILE:
		if (read_token_file(value, (char **)(void *)base, why,
		    whylen) == -1)
			return -1;
		return 0;
	case KEY_LOG_LEVEL:
		if (log_level_parse(value, &cfg->log_level) == -1) {
			snprintf(why, whylen, "log_level: expected error, "
			    "warn, info or debug, got \"%.64s\"", value);
			return -1;
		}
		return 0;
	case KEY_LOG_DEST:
		if (log_dest_parse(value, &cfg->log_dest) == -1) {
			snprintf(why, whylen, "log_destination: expected "
			    "stderr, file or syslog, got \"%.64s\"", value);
			return -1;
		}
		return 0;
	case KEY_FACILITY:
		if (log_facility_parse(value, &cfg->syslog_facility) == -1) {
			snprintf(why, whylen, "syslog_facility: expected "
			    "daemon, user or local0 to local7, got \"%.64s\"",
			    value);
			return -1;
		}
		return 0;
	case KEY_MODE:
		/* Octal, as chmod(1) takes it: 660 or 0660. */
		if (parse_octal(value, k->max, &v) == -1) {
			snprintf(why, whylen, "%s: expected an octal mode "
			    "from 0 to %llo, got \"%.64s\"", k->name, k->max,
			    value);
			return -1;
		}
		*(long long *)(void *)base = v;
		return 0;
	}
	return -1;
}

static int
token_from_env(char **token, const char *var)
{
	const char *v;

	if (*token != NULL || (v = getenv(var)) == NULL)
		return 0;
	return (*token = strdup(v)) == NULL ? -1 : 0;
}

int
config_load(const char *path, struct config *cfg, char *errbuf,
    size_t errlen)
{
	char line[8192], why[512], *s, *eq, *name;
	unsigned seen = 0;
	size_t i;
	FILE *fp;
	int lineno = 0, rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	/* Defaults read as the file's values are: one that fails is a bug. */
	for (i = 0; i < NKEYS; i++)
		if (keys[i].def != NULL && set_key(cfg, &keys[i], keys[i].def,
		    why, sizeof(why)) == -1) {
			snprintf(errbuf, errlen, "default of %s", why);
			config_free(cfg);
			return -1;
		}

	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(errbuf, errlen, "%s: %s", path, strerror(errno));
		config_free(cfg);
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(fp)) {
			snprintf(errbuf, errlen, "%s:%d: line too long", path,
			    lineno);
			goto out;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL) {
			snprintf(errbuf, errlen, "%s:%d: expected key = value",
			    path, lineno);
			goto out;
		}
		*eq = '\0';
		name = trim(s);
		for (i = 0; i < NKEYS && strcmp(keys[i].name, name) != 0; i++)
			;
		if (i == NKEYS) {
			snprintf(errbuf, errlen, "%s:%d: unknown key \"%.64s\"",
			    path, lineno, name);
			goto out;
		}
		if (seen & (1u << i)) {
			snprintf(errbuf, errlen, "%s:%d: duplicate key \"%s\"",
			    path, lineno, name);
			goto out;
		}
		seen |= 1u << i;
		if (set_key(cfg, &keys[i], trim(eq + 1), why, sizeof(why))
		    == -1) {
			snprintf(errbuf, errlen, "%s:%d: %s", path, lineno, why);
			goto out;
		}
	}
	if (ferror(fp)) {
		snprintf(errbuf, errlen, "%s: read error", path);
		goto out;
	}
	/* Unset: half the workers read, the others stay free for ingests. */
	if (cfg->max_concurrent_reads == 0)
		cfg->max_concurrent_reads = cfg->workers > 1 ?
		    cfg->workers / 2 : 1;
	if (cfg->database == NULL) {
		snprintf(errbuf, errlen, "%s: missing required key \"database\"",
		    path);
		goto out;
	}
	if ((cfg->log_dest == LOG_DEST_FILE) != (cfg->log_file != NULL)) {
		snprintf(errbuf, errlen, "%s: log_file and log_destination = "
		    "file go together", path);
		goto out;
	}
	if (token_from_env(&cfg->ingest_token, "INGEST_BEARER_TOKEN") == -1 ||
	    token_from_env(&cfg->revalidate_token,
	    "BENCH_REVALIDATE_TOKEN") == -1) {
		snprintf(errbuf, errlen, "out of memory");
		goto out;
	}
	rc = 0;
out:
	fclose(fp);
	if (rc == -1)
		config_free(cfg);
	return rc;
}

static void
free_secret(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
config_free(struct config *cfg)
{
	free(cfg->database);
	free(cfg->user);
	free(cfg->log_file);
	free(cfg->pid_file);
	free(cfg->socket_user);
	free(cfg->socket_group);
	free_secret(cfg->ingest_token);
	free_secret(cfg->revalidate_token);
	memset(cfg, 0, sizeof(*cfg));
}
