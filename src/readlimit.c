/* The read slots (max_concurrent_reads), in memory shared with the master. */
#include <sys/mman.h>

#include <stdatomic.h>
#include <unistd.h>

#include "metrics.h"
#include "readlimit.h"

/* Each slot holds the pid of the worker reading, or 0. */
static atomic_int *slots;
static int taken = -1;		/* this worker's slot */

int
readlimit_init(void)
{
	void *p;
	int i;

	if (slots != NULL)
		return 0;
	p = mmap(NULL, READLIMIT_SLOTS * sizeof(*slots), PROT_READ |
	    PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	slots = p;
	for (i = 0; i < READLIMIT_SLOTS; i++)
		atomic_init(&slots[i], 0);
	return 0;
}

bool
readlimit_take(long long max)
{
	int i, expect, pid = (int)getpid();

	/* Without the master's table (a unit test) nothing is limited. */
	if (slots == NULL)
		return true;
	if (max > READLIMIT_SLOTS)
		max = READLIMIT_SLOTS;
	for (i = 0; i < max; i++) {
		expect = 0;
		if (atomic_compare_exchange_strong(&slots[i], &expect, pid)) {
			taken = i;
			return true;
		}
	}
	metrics_read_refused();
	return false;
}

int
readlimit_in_use(void)
{
	int i, n = 0;

	for (i = 0; slots != NULL && i < READLIMIT_SLOTS; i++)
		n += atomic_load(&slots[i]) != 0;
	return n;
}

void
readlimit_release(void)
{
	if (slots == NULL || taken < 0)
		return;
	atomic_store(&slots[taken], 0);
	taken = -1;
}

void
readlimit_worker_gone(int pid)
{
	int i, expect;

	if (slots == NULL)
		return;
	for (i = 0; i < READLIMIT_SLOTS; i++) {
		expect = pid;
		atomic_compare_exchange_strong(&slots[i], &expect, 0);
	}
}
