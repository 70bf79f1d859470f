/* The pidfile: lock, write, remove; see pidfile.h. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pidfile.h"

int
pidfile_lock(const char *path, char *why, size_t whylen)
{
	struct flock fl;
	int fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0644)) == -1) {
		snprintf(why, whylen, "pid_file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) == 0)
		return fd;
	if (errno == EAGAIN || errno == EACCES) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
			snprintf(why, whylen, "pid_file %s: another "
			    "benchingest (pid %ld) is running with it", path,
			    (long)fl.l_pid);
		else
			snprintf(why, whylen, "pid_file %s: locked by another "
			    "process", path);
	} else
		snprintf(why, whylen, "pid_file %s: cannot lock: %s", path,
		    strerror(errno));
	close(fd);
	return -1;
}

int
pidfile_write(int fd, const char *path, char *why, size_t whylen)
{
	char buf[32];
	int n;

	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, buf, (size_t)n, 0) != n) {
		snprintf(why, whylen, "pid_file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

void
pidfile_remove(int fd, const char *path)
{
	unlink(path);
	close(fd);
}
