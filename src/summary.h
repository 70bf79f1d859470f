/*
 * A group's summary, the object the reference read service sends as its
 * "summary" (its lib/summary.ts), computed from rows its SQL gives
 * (summary_sql.h): numbers as its JavaScript computes them, bit for bit
 * (log and exp from jsmath.h, no fused multiply-add, sums in its order),
 * names ordered as JavaScript compares strings (jsstring.h).
 *
 * - query groups of the datasets summary_query_dataset() names: per
 *   series ("engine:format") the geometric mean over the group's queries
 *   of (10 + its latest value) / (10 + the best latest value of any
 *   series), a query it lacks counted at twice max(its slowest, 300000)
 *   ns; and the sum of its latest values;
 * - compression times: the geometric means of parquet / vortex time
 *   ratios, encode and decode, at the newest timestamp with an encode pair;
 * - compression sizes: min, geometric mean and max of vortex / parquet
 *   size ratios at the newest timestamp with a pair;
 * - random access: each format's latest time on the first dataset with
 *   rows, and its ratio to the fastest.
 */
#ifndef BENCHINGEST_SUMMARY_H
#define BENCHINGEST_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include "charts.h"
#include "jsonwrite.h"

struct ranking {
	char *name;
	double time, ratio;		/* random access */
	double score, total_runtime;	/* query */
};

struct summary {
	enum summary_kind type;		/* SUMMARY_NONE: the group has none */
	struct ranking *rankings;	/* random access, query */
	size_t nrankings;
	bool has_compress, has_decompress;
	double compress, decompress;	/* compression */
	double min, mean, max;		/* compression size */
	size_t dataset_count;		/* compression, compression size */
};

/* A random-access row (format, time) or a query row (its series). */
struct summary_row {
	const char *name;
	int query_idx;
	double value;
};

/* The datasets whose query groups have a summary, NULL-terminated. */
extern const char *const summary_query_datasets[];
/* Whether a query group of this dataset has a summary. */
bool	summary_query_dataset(const char *dataset);
/*
 * exp(mean(log(v))) over the values > 0 and finite, in order, as the
 * reference computes it; false when there is none.
 */
bool	summary_geomean(const double *v, size_t n, double *out);

/*
 * Each fills s from its inputs, in the order the reference's SQL gives
 * them; with no inputs to summarise s->type is SUMMARY_NONE.  Those that
 * return int return -1 when out of memory (s then holds nothing).
 */
int	summary_random_access(struct summary *s, const struct summary_row *,
	    size_t n);
void	summary_compression(struct summary *s, const double *encode,
	    size_t nencode, const double *decode, size_t ndecode);
void	summary_compression_size(struct summary *s, const double *ratios,
	    size_t n);
int	summary_query(struct summary *s, const struct summary_row *, size_t n);

/* The "summary" object; nothing for SUMMARY_NONE. */
int	summary_write(struct jw *, const struct summary *);
void	summary_free(struct summary *);

#endif
