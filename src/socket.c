/*
 * The FastCGI listening socket: our own (-s), systemd's (LISTEN_FDS), or
 * spawn-fcgi's on fd 0.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "socket.h"

#define BACKLOG	128
#define LISTEN_FDS_START	3	/* SD_LISTEN_FDS_START */

/* The owner and group perms asks for; -1 where it names none. */
static int
resolve_owner(const struct socket_perms *perms, uid_t *uid, gid_t *gid,
    char *why, size_t whylen)
{
	struct passwd *pw;
	struct group *gr;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (perms->user != NULL) {
		if ((pw = getpwnam(perms->user)) == NULL) {
			snprintf(why, whylen, "socket_user \"%s\": no such "
			    "user", perms->user);
			return -1;
		}
		*uid = pw->pw_uid;
	}
	if (perms->group != NULL) {
		if ((gr = getgrnam(perms->group)) == NULL) {
			snprintf(why, whylen, "socket_group \"%s\": no such "
			    "group", perms->group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	/*
	 * Started as root, a socket only root can reach is a mistake: the
	 * web server gets 502 for every request.  Say so now.
	 */
	if (geteuid() == 0 && (perms->mode & 07) == 0 &&
	    (*uid == (uid_t)-1 || *uid == 0) &&
	    (*gid == (gid_t)-1 || *gid == 0 || (perms->mode & 070) == 0)) {
		snprintf(why, whylen, "the socket would be reachable by root "
		    "alone (root:root %04o): set socket_group to the web "
		    "server's group (www-data), socket_user, or socket_mode",
		    (unsigned)perms->mode);
		return -1;
	}
	return 0;
}

/*
 * The socket is born with its final mode (the umask is set for bind) and
 * owned by us; then it gets its owner and group.  So at no moment can
 * anyone connect whom the final permissions would not let in.
 */
static int
open_unix(const char *path, const struct socket_perms *perms, char *why,
    size_t whylen)
{
	struct sockaddr_un sun;
	struct stat st;
	uid_t uid;
	gid_t gid;
	mode_t mask;
	int fd, rc;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(why, whylen, "%s: path too long", path);
		return -1;
	}
	if (resolve_owner(perms, &uid, &gid, why, whylen) == -1)
		return -1;
	/* A stale socket from an earlier run; never remove anything else. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	mask = umask(~perms->mode & 0777);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(mask);
	if (rc == -1) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW) == -1) {
		snprintf(why, whylen, "%s: cannot give the socket to %s:%s: "
		    "%s", path, perms->user ? perms->user : "-",
		    perms->group ? perms->group : "-", strerror(errno));
		unlink(path);
		close(fd);
		return -1;
	}
	if (listen(fd, BACKLOG) == -1) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		unlink(path);
		close(fd);
		return -1;
	}
	return fd;
}

static int
open_tcp(const char *addr, char *why, size_t whylen)
{
	struct addrinfo hints, *res, *ai;
	char host[256];
	const char *colon = strrchr(addr, ':');
	size_t n;
	int fd = -1, on = 1, rc;

	if (colon == NULL || colon == addr || colon[1] == '\0' ||
	    (n = (size_t)(colon - addr)) >= sizeof(host)) {
		snprintf(why, whylen, "%s: expected a socket path or HOST:PORT",
		    addr);
		return -1;
	}
	memcpy(host, addr, n);
	host[n] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &res)) != 0) {
		snprintf(why, whylen, "%s: %s", addr, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, BACKLOG) == 0)
			break;
		close(fd);
		fd = -1;
	}
	if (fd == -1)
		snprintf(why, whylen, "%s: %s", addr, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

int
socket_open(const char *addr, const struct socket_perms *perms, char *why,
    size_t whylen)
{
	if (strchr(addr, '/') != NULL)
		return open_unix(addr, perms, why, whylen);
	return open_tcp(addr, why, whylen);
}

static int
is_listening(int fd)
{
	int listening = 0;
	socklen_t len = sizeof(listening);

	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening,
	    &len) == 0 && listening;
}

/*
 * sd_listen_fds(3), without libsystemd: LISTEN_PID names us and
 * LISTEN_FDS counts the sockets from fd 3 on.  The variables are removed
 * so that nothing started later takes them for its own.
 */
int
socket_systemd(char *why, size_t whylen)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	char *end;
	long n;

	if (pid == NULL || fds == NULL)
		return -2;
	errno = 0;
	n = strtol(pid, &end, 10);
	if (errno != 0 || *end != '\0' || n != (long)getpid())
		return -2;
	n = strtol(fds, &end, 10);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (*end != '\0' || n != 1) {
		snprintf(why, whylen, "systemd passed LISTEN_FDS=%s sockets; "
		    "benchingest takes exactly one (one ListenStream=)", fds);
		return -1;
	}
	if (!is_listening(LISTEN_FDS_START)) {
		snprintf(why, whylen, "fd %d from systemd is not a listening "
		    "socket", LISTEN_FDS_START);
		return -1;
	}
	if (fcntl(LISTEN_FDS_START, F_SETFD, FD_CLOEXEC) == -1) {
		snprintf(why, whylen, "fd %d: %s", LISTEN_FDS_START,
		    strerror(errno));
		return -1;
	}
	return LISTEN_FDS_START;
}

int
socket_inherited(void)
{
	return is_listening(0) ? 0 : -1;
}

/*
 * Every worker polls the shared socket and then accepts; the losers of a
 * race must get EAGAIN, not block.
 */
int
socket_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	return flags == -1 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}
