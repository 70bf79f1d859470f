/*
 * Options, the -t check, the log, the pidfile and the listening socket;
 * then the master takes over.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "charts.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "master.h"
#include "pidfile.h"
#include "privsep.h"
#include "socket.h"

#define IDENTITY_MAX	512

static void
usage(void)
{
	fprintf(stderr, "usage: benchingest [-t [-u user]] [-f file] "
	    "[-p pidfile] [-s socket]\n       benchingest -V | -h\n");
}

/* The database answers our login; 0, or 1 with one line on stderr. */
static int
check_database(const struct config *cfg, const char *who)
{
	struct api_error err;
	struct db *db;
	int rc = 1;

	api_error_clear(&err);
	if ((db = db_new(cfg->database, cfg->statement_timeout, 0)) == NULL)
		fprintf(stderr, "benchingest: out of memory\n");
	else if (db_connect(db, &err) == -1)
		fprintf(stderr, "benchingest: database, logging in as %s: %s\n",
		    who, err.message);
	else
		rc = 0;
	db_free(db);
	return rc;
}

/*
 * The workers log in as `user` when benchingest starts as root: check
 * the login in a child that has become that user, as a worker does.
 */
static int
check_database_as(const struct config *cfg, char *who, size_t wholen)
{
	char why[512];
	pid_t pid;
	int status;

	if (geteuid() != 0 || cfg->user == NULL)
		return check_database(cfg, who);
	fflush(NULL);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "benchingest: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		if (privsep_drop(cfg->user, why, sizeof(why)) == -1) {
			fprintf(stderr, "benchingest: %s\n", why);
			_exit(1);
		}
		privsep_identity(who, wholen);
		status = check_database(cfg, who);
		if (status == 0)
			printf("benchingest: database login as %s\n", who);
		fflush(NULL);
		_exit(status);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/*
 * -t: the config and its token files load, and the database answers our
 * login, each checked as the identity that will do it in service: the
 * files as the one starting benchingest (after -u USER: that user), the
 * login as the workers' user.  Says who that was.
 */
static int
check(const char *path, const char *as_user)
{
	struct config cfg;
	char who[IDENTITY_MAX], why[1024];
	int rc;

	if (as_user != NULL) {
		if (geteuid() != 0) {
			fprintf(stderr, "benchingest: -u %s needs root\n",
			    as_user);
			return 1;
		}
		if (privsep_drop(as_user, why, sizeof(why)) == -1) {
			fprintf(stderr, "benchingest: %s\n", why);
			return 1;
		}
	}
	privsep_identity(who, sizeof(who));
	if (config_load(path, &cfg, why, sizeof(why)) == -1) {
		fprintf(stderr, "benchingest: %s (read as %s)\n", why, who);
		return 1;
	}
	rc = check_database_as(&cfg, who, sizeof(who));
	if (rc == 0) {
		privsep_identity(who, sizeof(who));
		if (geteuid() != 0 || cfg.user == NULL)
			printf("benchingest: database login as %s\n", who);
		printf("benchingest: configuration and token files read as "
		    "%s\n", who);
		printf("benchingest: %s: ok\n", path);
	}
	config_free(&cfg);
	return rc;
}

/* Where the workers' socket comes from: -s, systemd, or fd 0. */
static int
open_socket(const char *addr, const struct config *cfg, char *why,
    size_t whylen)
{
	struct socket_perms perms;
	int fd;

	if (addr != NULL) {
		perms.user = cfg->socket_user;
		perms.group = cfg->socket_group;
		perms.mode = (mode_t)cfg->socket_mode;
		fd = socket_open(addr, &perms, why, whylen);
	} else if ((fd = socket_systemd(why, whylen)) == -2 &&
	    (fd = socket_inherited()) == -1)
		snprintf(why, whylen, "no listening socket on fd 0 nor from "
		    "systemd: run under spawn-fcgi or systemd, or give -s");
	if (fd >= 0 && socket_nonblocking(fd) == -1) {
		snprintf(why, whylen, "%s", strerror(errno));
		fd = -1;
	}
	return fd < 0 ? -1 : fd;
}

/* Lines go where the config says; log_file is given to the workers' user. */
static int
open_log(const struct config *cfg, char *why, size_t whylen)
{
	struct passwd *pw;
	uid_t owner = (uid_t)-1;

	log_set_level(cfg->log_level);
	if (geteuid() == 0 && cfg->user != NULL &&
	    (pw = getpwnam(cfg->user)) != NULL)
		owner = pw->pw_uid;
	return log_open(cfg->log_dest, cfg->log_file, cfg->syslog_facility,
	    owner, why, whylen);
}

static int
serve(const char *path, const char *addr, const char *pid_path)
{
	struct config cfg;
	char why[1024], pidbuf[PATH_MAX];
	int fd = -1, pidfd = -1, rc = 1;

	if (config_load(path, &cfg, why, sizeof(why)) == -1) {
		log_msg(LOG_ERROR, "%s", why);
		return 1;
	}
	log_starting(true);
	if (open_log(&cfg, why, sizeof(why)) == -1) {
		log_msg(LOG_ERROR, "%s", why);
		goto out;
	}
	/* Ours to remove at exit, whatever a reload does to cfg. */
	if (pid_path == NULL && cfg.pid_file != NULL) {
		if (snprintf(pidbuf, sizeof(pidbuf), "%s", cfg.pid_file) >=
		    (int)sizeof(pidbuf)) {
			log_msg(LOG_ERROR, "pid_file: path too long");
			goto out;
		}
		pid_path = pidbuf;
	}
	/* Before the socket: a running instance keeps its own. */
	if (privsep_check(cfg.user, why, sizeof(why)) == -1 ||
	    (pid_path != NULL &&
	    (pidfd = pidfile_lock(pid_path, why, sizeof(why))) == -1) ||
	    (fd = open_socket(addr, &cfg, why, sizeof(why))) == -1 ||
	    (pidfd != -1 &&
	    pidfile_write(pidfd, pid_path, why, sizeof(why)) == -1)) {
		log_msg(LOG_ERROR, "%s", why);
		goto out;
	}
	log_starting(false);
	rc = master_run(path, &cfg, fd);
	if (addr != NULL && strchr(addr, '/') != NULL)
		unlink(addr);
	if (pidfd != -1)
		pidfile_remove(pidfd, pid_path);
	return rc;
out:
	if (fd != -1 && addr != NULL && strchr(addr, '/') != NULL)
		unlink(addr);
	if (pidfd != -1)
		pidfile_remove(pidfd, pid_path);
	config_free(&cfg);
	return rc;
}

int
main(int argc, char *argv[])
{
	const char *path = CONFIG_DEFAULT_PATH, *addr = NULL;
	const char *pid_path = NULL, *as_user = NULL;
	char why[512];
	int ch, test = 0;

	while ((ch = getopt(argc, argv, "f:p:s:tu:Vh")) != -1) {
		switch (ch) {
		case 'f':
			path = optarg;
			break;
		case 'p':
			pid_path = optarg;
			break;
		case 's':
			addr = optarg;
			break;
		case 't':
			test = 1;
			break;
		case 'u':
			as_user = optarg;
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
	if (optind != argc || (as_user != NULL && !test)) {
		usage();
		return 2;
	}
	/* What the tables must hold and the compiler could not check. */
	if (record_kinds_check(record_kinds, KIND_COUNT, why,
	    sizeof(why)) == -1 ||
	    chart_kinds_check(chart_kinds, KIND_COUNT, why, sizeof(why)) == -1) {
		log_msg(LOG_ERROR, "built with a bad table: %s", why);
		return 1;
	}
	if (test)
		return check(path, as_user);
	return serve(path, addr, pid_path);
}
