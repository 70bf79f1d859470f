/* The config file, benchingest.conf(5). */
#ifndef BENCHINGEST_CONFIG_H
#define BENCHINGEST_CONFIG_H

#include "log.h"

/* The largest "workers": the master's child table is sized from it. */
#define CONFIG_WORKERS_MAX	256

struct config {
	char *database;			/* libpq conninfo */
	long long workers;
	long long max_requests;		/* 0: never recycle a worker */
	long long max_body_bytes;
	char *ingest_token;		/* NULL: not configured */
	char *revalidate_token;
	long long statement_timeout;	/* milliseconds, 0: none */
	long long read_timeout;		/* one read request, ms, 0: none */
	long long max_concurrent_reads;	/* workers reading at once */
	long long read_prepared_statements;	/* per connection, 0: none */
	enum log_level log_level;
	long long max_records;		/* records in one envelope */
	long long max_string_bytes;	/* any one decoded string */
	char *user;			/* workers run as this user */
	long long shutdown_timeout;	/* seconds a stopping child may take */
	enum log_dest log_dest;
	char *log_file;			/* log_dest == LOG_DEST_FILE */
	int syslog_facility;
	char *pid_file;			/* NULL: none */
	char *socket_user;		/* -s PATH: owner, group, mode */
	char *socket_group;
	long long socket_mode;
};

#define CONFIG_DEFAULT_PATH	SYSCONFDIR "/benchingest.conf"

/* On error, errbuf holds one line, "FILE:LINE: reason" where a line applies. */
int	config_load(const char *path, struct config *, char *errbuf,
	    size_t errlen);
void	config_free(struct config *);

#endif
