/*
 * A group's description, the tooltip text the reference read service
 * sends with it (its lib/descriptions.ts), found from the group's name:
 * TPC-H and TPC-DS groups have one made from the storage and scale factor
 * their name says, a few others a fixed text, the rest none.
 */
#ifndef BENCHINGEST_DESCRIPTION_H
#define BENCHINGEST_DESCRIPTION_H

/*
 * *out: the malloc'd description of the group named name, or NULL if it
 * has none.  Returns 0, or -1 when out of memory.
 */
int	group_description(const char *name, char **out);

#endif
