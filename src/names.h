/*
 * The names the reference read service gives groups and charts, which
 * front ends show and match on: a group's name (its title, and the key of
 * its description and of its place in the group order), a chart's name
 * among its group's links, and a chart's display_name.  One set of
 * functions per chart kind, which its row of the chart-kind table
 * (charts.c) points to.
 */
#ifndef BENCHINGEST_NAMES_H
#define BENCHINGEST_NAMES_H

#include "charts.h"

/*
 * Each function takes a key's values (charts.h) and returns a malloc'd
 * name.  A kind whose groups all have one name gives it as group_name,
 * and no group function.
 */
struct kind_names {
	const char *group_name;
	char *(*group)(const struct dim_value *);
	char *(*chart)(const struct dim_value *);
	char *(*display)(const struct dim_value *);
};

/*
 * Query groups: "TPC-H (NVMe) (SF=1)", "TPC-DS (S3) (SF=10)",
 * "Clickbench", "Statistical and Population Genetics", "PolarSignals
 * Profiling", each with " / <variant>" for a variant; any other dataset
 * "dataset[/variant][ sf=N] [storage]".  Charts "Q<idx>", displayed
 * "dataset[/variant][ sf=N] Q<idx> [storage]".
 */
extern const struct kind_names names_query;
/* "Compression"; charts and their display "dataset[/variant]". */
extern const struct kind_names names_compression_time;
/* "Compression Size"; charts as compression times. */
extern const struct kind_names names_compression_size;
/* "Random Access"; charts and their display the dataset. */
extern const struct kind_names names_random_access;
/*
 * "dataset / layout"; charts "threshold=<t>", displayed "dataset / layout
 * (threshold=<t>)", t as JavaScript writes the number.
 */
extern const struct kind_names names_vector_search;

#endif
