/*
 * The order of /api/groups, the reference read service's: the groups its
 * GROUP_ORDER lists, in that order, then every other group by name as
 * JavaScript compares strings (jsstring.h); groups of one name keep the
 * order they were discovered in (kind, then key: charts.h).
 */
#ifndef BENCHINGEST_GROUP_ORDER_H
#define BENCHINGEST_GROUP_ORDER_H

#include <stddef.h>

/* <0, 0 or >0: the group named a goes before, with, or after b. */
int	group_order_cmp(const char *a, const char *b);
/*
 * Fills order with 0..n-1 sorted by the names they index, stable.
 * Returns -1 when out of memory.
 */
int	group_order_sort(const char *const *names, size_t n, size_t *order);

#endif
