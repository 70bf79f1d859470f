/* The order of groups in /api/groups: GROUP_ORDER, then by name. */
#include <stdlib.h>
#include <string.h>

#include "group_order.h"
#include "jsstring.h"

/*
 * The reference's canonical order (its lib/queries.ts GROUP_ORDER), by
 * name.  TPC-DS on S3 and at other scale factors is not there, and goes
 * to the alphabetical tail with every other group.
 */
static const char *const group_order[] = {
	"Compression",
	"Compression Size",
	"Clickbench",
	"TPC-H (NVMe) (SF=1)",
	"TPC-H (S3) (SF=1)",
	"TPC-H (NVMe) (SF=10)",
	"TPC-H (S3) (SF=10)",
	"TPC-H (NVMe) (SF=100)",
	"TPC-H (S3) (SF=100)",
	"TPC-H (NVMe) (SF=1000)",
	"TPC-H (S3) (SF=1000)",
	"TPC-DS (NVMe) (SF=1)",
	"TPC-DS (NVMe) (SF=10)",
	"PolarSignals Profiling",
	"Random Access",
};

#define NORDER	(sizeof(group_order) / sizeof(group_order[0]))

static size_t
position(const char *name)
{
	size_t i;

	for (i = 0; i < NORDER; i++)
		if (strcmp(name, group_order[i]) == 0)
			return i;
	return NORDER;
}

int
group_order_cmp(const char *a, const char *b)
{
	size_t pa = position(a), pb = position(b);

	if (pa != pb)
		return pa < pb ? -1 : 1;
	return js_strcmp(a, b);
}

struct entry {
	const char *name;
	size_t position;	/* in group_order[], found once */
	size_t index;
};

/*
 * group_order_cmp(), then by discovery order, which makes qsort stable.
 */
static int
cmp_entry(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int c;

	if (a->position != b->position)
		return a->position < b->position ? -1 : 1;
	if ((c = js_strcmp(a->name, b->name)) != 0)
		return c;
	return (a->index > b->index) - (a->index < b->index);
}

int
group_order_sort(const char *const *names, size_t n, size_t *order)
{
	struct entry *e;
	size_t i;

	if (n == 0)
		return 0;
	if ((e = calloc(n, sizeof(*e))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		e[i].name = names[i];
		e[i].position = position(names[i]);
		e[i].index = i;
	}
	qsort(e, n, sizeof(*e), cmp_entry);
	for (i = 0; i < n; i++)
		order[i] = e[i].index;
	free(e);
	return 0;
}
