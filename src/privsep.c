/* Dropping root for the configured user, for good. */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "privsep.h"

int
privsep_check(const char *user, char *why, size_t whylen)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	if (user == NULL) {
		snprintf(why, whylen, "refusing to run as root: set \"user\" "
		    "in the config file to the account the workers should run "
		    "as, or start benchingest as that account");
		return -1;
	}
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(why, whylen, "user \"%s\": %s", user,
		    errno ? strerror(errno) : "no such user");
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(why, whylen, "user \"%s\" is root: name an "
		    "unprivileged account", user);
		return -1;
	}
	return 0;
}

/* One "id(gid)" or "id(name)" item of privsep_identity(). */
static size_t
id_item(char *buf, size_t size, const char *sep, long id, const char *name)
{
	int n;

	if (name != NULL)
		n = snprintf(buf, size, "%s%ld(%s)", sep, id, name);
	else
		n = snprintf(buf, size, "%s%ld", sep, id);
	return n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n;
}

void
privsep_identity(char *buf, size_t size)
{
	struct passwd *pw = getpwuid(geteuid());
	struct group *gr = getgrgid(getegid());
	gid_t groups[64];
	size_t n;
	int i, ngroups;

	n = id_item(buf, size, "uid=", (long)geteuid(),
	    pw ? pw->pw_name : NULL);
	n += id_item(buf + n, size - n, " gid=", (long)getegid(),
	    gr ? gr->gr_name : NULL);
	ngroups = getgroups(64, groups);
	for (i = 0; i < ngroups; i++) {
		gr = getgrgid(groups[i]);
		n += id_item(buf + n, size - n, i == 0 ? " groups=" : ",",
		    (long)groups[i], gr ? gr->gr_name : NULL);
	}
}

int
privsep_drop(const char *user, char *why, size_t whylen)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	if (privsep_check(user, why, whylen) == -1)
		return -1;
	pw = getpwnam(user);
	if (setgroups(1, &pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		snprintf(why, whylen, "cannot become %s: %s", user,
		    strerror(errno));
		return -1;
	}
	/* A process that can get root back has not dropped it. */
	if (setuid(0) == 0) {
		snprintf(why, whylen, "could regain root after dropping to %s",
		    user);
		return -1;
	}
	return 0;
}
