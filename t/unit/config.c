/*
 * benchingest.conf(5): every key parses, defaults hold, and every kind of
 * mistake is refused with the file and line it is on.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/config.h"
#include "tap.h"

static char dir[] = "/tmp/bi-config-test-XXXXXX";

static const char *
write_file(const char *name, const char *text, mode_t mode)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
	return path;
}

static int
load(const char *text, struct config *cfg, char *err, size_t errlen)
{
	return config_load(write_file("test.conf", text, 0600), cfg, err,
	    errlen);
}

static void
refused(const char *name, const char *text, const char *want)
{
	struct config cfg;
	char err[1024] = "";

	ok(load(text, &cfg, err, sizeof(err)) == -1 &&
	    strstr(err, want) != NULL, "%s: \"%s\"", name, err);
}

static void
defaults(void)
{
	struct config cfg;
	char err[1024] = "";

	unsetenv("INGEST_BEARER_TOKEN");
	unsetenv("BENCH_REVALIDATE_TOKEN");
	if (!ok(load("# comment\n\n database =  dbname=bench user=x  \n",
	    &cfg, err, sizeof(err)) == 0, "minimal config loads (%s)", err))
		return;
	ok(strcmp(cfg.database, "dbname=bench user=x") == 0,
	    "database is the rest of the line, trimmed");
	ok(cfg.workers == 2, "workers defaults to 2");
	ok(cfg.max_requests == 0, "max_requests defaults to 0");
	ok(cfg.max_body_bytes == 64LL * 1024 * 1024,
	    "max_body_bytes defaults to 64 MiB");
	ok(cfg.statement_timeout == 30000, "statement_timeout defaults to 30 s");
	ok(cfg.log_level == LOG_INFO, "log_level defaults to info");
	ok(cfg.shutdown_timeout == 300, "shutdown_timeout defaults to 300 s");
	ok(cfg.ingest_token == NULL && cfg.revalidate_token == NULL,
	    "no tokens unless configured");
	config_free(&cfg);
}

static void
every_key(void)
{
	struct config cfg;
	char err[1024] = "", text[1024];
	char ingest[256], reval[256];

	snprintf(ingest, sizeof(ingest), "%s",
	    write_file("ingest.token", "  s3cret-in \n second line\n", 0600));
	snprintf(reval, sizeof(reval), "%s",
	    write_file("reval.token", "s3cret-re", 0640));
	snprintf(text, sizeof(text),
	    "database = host=/run/postgresql dbname=bench\n"
	    "workers = 7\n"
	    "max_requests = 1000\n"
	    "max_body_bytes = 1048576\n"
	    "ingest_token_file = %s\n"
	    "revalidate_token_file = %s\n"
	    "statement_timeout = 0\n"
	    "shutdown_timeout = 86400\n"
	    "log_level = debug\n", ingest, reval);
	setenv("INGEST_BEARER_TOKEN", "from-env", 1);
	if (!ok(load(text, &cfg, err, sizeof(err)) == 0,
	    "a config with every key loads (%s)", err))
		return;
	ok(cfg.workers == 7 && cfg.max_requests == 1000 &&
	    cfg.max_body_bytes == 1048576 && cfg.statement_timeout == 0 &&
	    cfg.shutdown_timeout == 86400 && cfg.log_level == LOG_DEBUG,
	    "every value is taken");
	ok(strcmp(cfg.ingest_token, "s3cret-in") == 0,
	    "token file: first line, trimmed; the file wins over the env");
	ok(strcmp(cfg.revalidate_token, "s3cret-re") == 0,
	    "token file without a newline");
	config_free(&cfg);

	setenv("BENCH_REVALIDATE_TOKEN", "env-re", 1);
	if (ok(load("database = x\n", &cfg, err, sizeof(err)) == 0,
	    "loads with tokens from the environment")) {
		ok(strcmp(cfg.ingest_token, "from-env") == 0 &&
		    strcmp(cfg.revalidate_token, "env-re") == 0,
		    "environment is the fallback for both tokens");
		config_free(&cfg);
	}
	unsetenv("INGEST_BEARER_TOKEN");
	unsetenv("BENCH_REVALIDATE_TOKEN");
}

/* read_timeout, and max_concurrent_reads with its default from workers. */
static void
read_keys(void)
{
	static const struct {
		const char *text;
		long long reads;
	} cases[] = {
		{ "database = x\n", 1 },
		{ "database = x\nworkers = 1\n", 1 },
		{ "database = x\nworkers = 5\n", 2 },
		{ "database = x\nworkers = 8\n", 4 },
		{ "database = x\nworkers = 8\nmax_concurrent_reads = 8\n", 8 },
		{ "database = x\nmax_concurrent_reads = 30\n", 30 },
	};
	struct config cfg;
	char err[1024] = "";
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!ok(load(cases[i].text, &cfg, err, sizeof(err)) == 0,
		    "read keys, case %zu loads (%s)", i, err))
			continue;
		ok(cfg.max_concurrent_reads == cases[i].reads,
		    "max_concurrent_reads %lld, want %lld",
		    cfg.max_concurrent_reads, cases[i].reads);
		if (i == 0)
			ok(cfg.read_timeout == 10000,
			    "read_timeout defaults to 10 s");
		config_free(&cfg);
	}
	if (ok(load("database = x\nread_timeout = 0\n", &cfg, err,
	    sizeof(err)) == 0, "read_timeout 0 loads (%s)", err)) {
		ok(cfg.read_timeout == 0, "read_timeout 0: no limit");
		config_free(&cfg);
	}
	refused("no reads at all", "database = x\nmax_concurrent_reads = 0\n",
	    "test.conf:2: max_concurrent_reads");
	refused("reads beyond any workers",
	    "database = x\nmax_concurrent_reads = 257\n",
	    "test.conf:2: max_concurrent_reads");
	refused("negative read timeout", "database = x\nread_timeout = -1\n",
	    "test.conf:2: read_timeout");
}

static void
mistakes(void)
{
	char text[512], open_token[256], path[256];

	snprintf(open_token, sizeof(open_token), "%s",
	    write_file("open.token", "x\n", 0644));

	refused("unknown key", "database = x\nworkrs = 2\n",
	    "test.conf:2: unknown key \"workrs\"");
	refused("duplicate key", "database = x\n\nworkers = 2\nworkers = 3\n",
	    "test.conf:4: duplicate key \"workers\"");
	refused("no equals sign", "database = x\nworkers 2\n",
	    "test.conf:2: expected key = value");
	refused("workers zero", "database = x\nworkers = 0\n",
	    "test.conf:2: workers");
	refused("workers too many", "database = x\nworkers = 257\n",
	    "test.conf:2: workers");
	refused("workers not a number", "database = x\nworkers = abc\n",
	    "test.conf:2: workers");
	refused("shutdown_timeout zero", "database = x\nshutdown_timeout = 0\n",
	    "test.conf:2: shutdown_timeout: expected an integer from 1 to "
	    "86400");
	refused("shutdown_timeout over a day",
	    "database = x\nshutdown_timeout = 86401\n",
	    "test.conf:2: shutdown_timeout");
	refused("negative body limit", "database = x\nmax_body_bytes = -1\n",
	    "test.conf:2: max_body_bytes");
	refused("fractional timeout", "database = x\nstatement_timeout = 1.5\n",
	    "test.conf:2: statement_timeout");
	refused("huge number", "database = x\nmax_requests = "
	    "99999999999999999999999\n", "test.conf:2: max_requests");
	refused("bad log level", "database = x\nlog_level = loud\n",
	    "test.conf:2: log_level");
	refused("empty database", "database =\n", "test.conf:1: database");
	refused("missing database", "workers = 2\n",
	    "missing required key \"database\"");
	refused("missing token file",
	    "database = x\ningest_token_file = /nonexistent/token\n",
	    "test.conf:2: cannot read /nonexistent/token");
	snprintf(text, sizeof(text), "database = x\nrevalidate_token_file = %s\n",
	    open_token);
	refused("token file readable by others", text,
	    "is readable by others; chmod o-rwx");
	snprintf(text, sizeof(text), "database = x\ningest_token_file = %s\n",
	    write_file("group-w.token", "x\n", 0620));
	refused("token file writable by its group", text,
	    "group-w.token is writable by its group; chmod go-w");
	snprintf(text, sizeof(text), "database = x\ningest_token_file = %s\n",
	    write_file("other-w.token", "x\n", 0602));
	refused("token file writable by others", text,
	    "other-w.token is writable by others; chmod go-w");
	snprintf(path, sizeof(path), "%s/link.token", dir);
	if (symlink(write_file("target.token", "x\n", 0600), path) == 0) {
		snprintf(text, sizeof(text), "database = x\n"
		    "ingest_token_file = %s\n", path);
		refused("token file that is a symbolic link", text,
		    "link.token is a symbolic link; name the file itself");
	} else
		ok(0, "symlink");
	snprintf(path, sizeof(path), "%s",
	    write_file("other-owner.token", "x\n", 0600));
	snprintf(text, sizeof(text), "database = x\ningest_token_file = %s\n",
	    path);
	if (geteuid() == 0 && chown(path, 65534, 65534) == 0)
		refused("token file owned by another user", text,
		    "other-owner.token is owned by uid 65534, neither this "
		    "process's user (uid 0) nor root; chown it");
	else
		ok(1, "# SKIP only root can give a file away");
	ok(config_load("/nonexistent/benchingest.conf", &(struct config){ 0 },
	    text, sizeof(text)) == -1 && strstr(text, "/nonexistent") != NULL,
	    "a missing config file is named");
}

int
main(void)
{
	char cmd[128];

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	defaults();
	every_key();
	read_keys();
	mistakes();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
