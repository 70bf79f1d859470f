/* The read cache's generation and the listener's lease, in shared memory. */
#include <sys/mman.h>
#include <sys/random.h>

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "generation.h"

/* Listeners overlap for a moment while a reload replaces one. */
#define LISTENER_SLOTS	8

struct shared {
	uint64_t instance;
	atomic_uint_fast64_t counter;
	atomic_uint_fast64_t unlistened;	/* one per report while down */
	atomic_int listener[LISTENER_SLOTS];	/* pids of live sessions */
	atomic_llong confirmed_ms;		/* see generation_confirm() */
};

static struct shared *shared;

int
generation_init(void)
{
	void *p;
	int i;

	if (shared != NULL)
		return 0;
	p = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	shared = p;
	if (getrandom(&shared->instance, sizeof(shared->instance), 0) !=
	    (ssize_t)sizeof(shared->instance))
		shared->instance = (uint64_t)time(NULL) << 20 ^
		    (uint64_t)getpid();
	atomic_init(&shared->counter, 0);
	atomic_init(&shared->unlistened, 0);
	for (i = 0; i < LISTENER_SLOTS; i++)
		atomic_init(&shared->listener[i], 0);
	atomic_init(&shared->confirmed_ms, 0);
	return 0;
}

void
generation_advance(void)
{
	if (shared != NULL)
		atomic_fetch_add(&shared->counter, 1);
}

static void
release_slot(int pid)
{
	int i, expect;

	for (i = 0; i < LISTENER_SLOTS; i++) {
		expect = pid;
		atomic_compare_exchange_strong(&shared->listener[i], &expect, 0);
	}
}

void
generation_set_listening(bool on)
{
	int i, expect;

	if (shared == NULL)
		return;
	/* Whatever was cached before or while down is stale from now on. */
	atomic_fetch_add(&shared->counter, 1);
	if (!on) {
		release_slot((int)getpid());
		return;
	}
	/* The LISTEN just answered; the bump above covers what came before. */
	generation_confirm(clock_ms());
	for (i = 0; i < LISTENER_SLOTS; i++) {
		expect = 0;
		if (atomic_compare_exchange_strong(&shared->listener[i],
		    &expect, (int)getpid()))
			break;
	}
}

void
generation_confirm(long long sent_ms)
{
	long long seen;

	if (shared == NULL)
		return;
	/* Two listeners overlap during a reload: keep the later proof. */
	seen = atomic_load(&shared->confirmed_ms);
	while (seen < sent_ms &&
	    !atomic_compare_exchange_weak(&shared->confirmed_ms, &seen, sent_ms))
		;
}

void
generation_listener_gone(int pid)
{
	if (shared == NULL)
		return;
	release_slot(pid);
	atomic_fetch_add(&shared->counter, 1);
}

bool
generation_listening(void)
{
	int i;

	if (shared == NULL)
		return false;
	for (i = 0; i < LISTENER_SLOTS; i++)
		if (atomic_load(&shared->listener[i]) != 0)
			return true;
	return false;
}

bool
generation_cacheable(void)
{
	return generation_listening() && clock_ms() -
	    atomic_load(&shared->confirmed_ms) <= GENERATION_LEASE_MS;
}

unsigned long long
generation_changes(void)
{
	return shared != NULL ? atomic_load(&shared->counter) : 0;
}

long long
generation_confirmed_ms(void)
{
	return shared != NULL ? atomic_load(&shared->confirmed_ms) : 0;
}

void
generation_text(char *buf, size_t size)
{
	static uint64_t alone;

	/* No shared state, no invalidation: never the same value twice. */
	if (shared == NULL)
		snprintf(buf, size, "p%ld-u%" PRIu64, (long)getpid(), alone++);
	else if (generation_cacheable())
		snprintf(buf, size, "%016" PRIx64 "-%" PRIuFAST64,
		    shared->instance, atomic_load(&shared->counter));
	else
		snprintf(buf, size, "%016" PRIx64 "-u%" PRIuFAST64,
		    shared->instance,
		    atomic_fetch_add(&shared->unlistened, 1));
}
