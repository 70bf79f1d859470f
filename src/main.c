#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "listen.h"
#include "log.h"
#include "master.h"
#include "privsep.h"

static void
usage(void)
{
	fprintf(stderr, "usage: benchingest [-tVh] [-f file] [-s socket]\n");
}

/* -t: the config loads and the database answers with our schema. */
static int
check(const char *path, const struct config *cfg)
{
	struct api_error err;
	struct db *db;
	int rc = 1;

	api_error_clear(&err);
	if ((db = db_new(cfg->database, cfg->statement_timeout)) == NULL)
		fprintf(stderr, "benchingest: out of memory\n");
	else if (db_connect(db, &err) == -1)
		fprintf(stderr, "benchingest: database: %s\n", err.message);
	else {
		printf("benchingest: %s: ok\n", path);
		rc = 0;
	}
	db_free(db);
	return rc;
}

int
main(int argc, char *argv[])
{
	const char *path = CONFIG_DEFAULT_PATH, *addr = NULL;
	struct config cfg;
	char why[1024];
	int ch, test = 0, fd;

	while ((ch = getopt(argc, argv, "f:s:tVh")) != -1) {
		switch (ch) {
		case 'f':
			path = optarg;
			break;
		case 's':
			addr = optarg;
			break;
		case 't':
			test = 1;
			break;
		case 'V':
			printf("benchingest %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	if (optind != argc) {
		usage();
		return 2;
	}
	if (config_load(path, &cfg, why, sizeof(why)) == -1) {
		fprintf(stderr, "benchingest: %s\n", why);
		return 1;
	}
	log_set_level(cfg.log_level);
	if (test) {
		ch = check(path, &cfg);
		config_free(&cfg);
		return ch;
	}
	if (privsep_check(cfg.user, why, sizeof(why)) == -1) {
		fprintf(stderr, "benchingest: %s\n", why);
		config_free(&cfg);
		return 1;
	}
	if (addr != NULL)
		fd = listen_open(addr, why, sizeof(why));
	else if ((fd = listen_inherited()) == -1)
		snprintf(why, sizeof(why), "no listening socket on fd 0: "
		    "run under spawn-fcgi or give -s");
	if (fd == -1 || listen_nonblocking(fd) == -1) {
		fprintf(stderr, "benchingest: %s\n", fd == -1 ? why :
		    strerror(errno));
		config_free(&cfg);
		return 1;
	}
	ch = master_run(path, &cfg, fd);
	if (addr != NULL && strchr(addr, '/') != NULL)
		unlink(addr);
	return ch;
}
