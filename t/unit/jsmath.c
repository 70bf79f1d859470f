/*
 * js_log and js_exp give exactly the doubles Node's Math.log and Math.exp
 * give: on edge cases (zeros, subnormals, one and its neighbours, powers of
 * two and ten, the largest doubles, the overflow and underflow bounds of
 * exp, infinities, NaN) and on 240,000 pseudo-random inputs in blocks of
 * 1,000.  The expected bits come from jsmath-vectors.txt, which Node wrote
 * once (how is said at its top); Node is not needed here.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/jsmath.h"
#include "tap.h"
#include "testdata.h"

#define MANT	((UINT64_C(1) << 52) - 1)
#define NAN_BITS	UINT64_C(0x7FF8000000000000)

/* A result's bits, every NaN written as the one NaN JavaScript has. */
static uint64_t
result_bits(double x)
{
	uint64_t b;

	if (isnan(x))
		return NAN_BITS;
	memcpy(&b, &x, sizeof(b));
	return b;
}

/* The input distributions of the vector file, integer operations only. */
static int
draw(const char *dist, uint64_t r, uint64_t *bits)
{
	uint64_t sign = r >> 63 << 63, t;
	unsigned k;

	if (strcmp(dist, "log-any") == 0) {
		*bits = r & UINT64_C(0x7FFFFFFFFFFFFFFF);
		if (*bits >> 52 == 0x7FF)
			*bits ^= UINT64_C(1) << 62;
	} else if (strcmp(dist, "log-ratio") == 0)
		*bits = (1023 + r % 27) << 52 | (r >> 12 & MANT);
	else if (strcmp(dist, "log-near1") == 0) {
		k = (unsigned)((r & 63) % 52);
		t = (r >> 12 & MANT) >> k;
		*bits = r & 64 ? UINT64_C(1023) << 52 | t :
		    UINT64_C(1022) << 52 | (MANT - t);
	} else if (strcmp(dist, "exp-range") == 0)
		*bits = sign | (993 + r % 41) << 52 | (r >> 12 & MANT);
	else if (strcmp(dist, "exp-mean") == 0)
		*bits = sign | (1023 + r % 6) << 52 | (r >> 12 & MANT);
	else if (strcmp(dist, "exp-tiny") == 0)
		*bits = sign | (963 + r % 40) << 52 | (r >> 12 & MANT);
	else
		return -1;
	return 0;
}

static uint64_t
fnv(uint64_t h, uint64_t bits)
{
	int i;

	for (i = 0; i < 8; i++) {
		h ^= bits >> (8 * i) & 0xFF;
		h *= UINT64_C(0x100000001B3);
	}
	return h;
}

int
main(void)
{
	char line[256], fn[8], dist[32];
	uint64_t in, out, want, seed, s, got_hash, bits;
	long explicit[2] = { 0, 0 }, bad[2] = { 0, 0 }, blocks = 0;
	long badblocks = 0, inputs = 0, n, i;
	double (*f)(double);
	FILE *fp;
	int w;

	fp = open_test_file("jsmath-vectors.txt");
	if (!ok(fp != NULL, "the vector file opens"))
		return done_testing();
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%7s %" SCNx64 " %" SCNx64, fn, &in,
		    &want) == 3 && strcmp(fn, "block") != 0) {
			w = strcmp(fn, "log") == 0 ? 0 : 1;
			f = w == 0 ? js_log : js_exp;
			explicit[w]++;
			out = result_bits(f(from_bits(in)));
			if (out != want && bad[w]++ < 10)
				diag("%s(%016" PRIx64 ") = %016" PRIx64
				    ", Node %016" PRIx64, fn, in, out, want);
			continue;
		}
		if (sscanf(line, "block %31s %" SCNu64 " %ld %" SCNx64, dist,
		    &seed, &n, &want) != 4 || draw(dist, 0, &bits) == -1) {
			ok(0, "a line of the vector file is understood: %s",
			    line);
			continue;
		}
		f = strncmp(dist, "log", 3) == 0 ? js_log : js_exp;
		s = seed;
		got_hash = UINT64_C(0xCBF29CE484222325);
		for (i = 0; i < n; i++) {
			draw(dist, splitmix(&s), &bits);
			got_hash = fnv(got_hash, result_bits(f(from_bits(
			    bits))));
		}
		blocks++;
		inputs += n;
		if (got_hash != want && badblocks++ < 10)
			diag("block %s %" PRIu64 " differs from Node", dist,
			    seed);
	}
	fclose(fp);
	ok(explicit[0] > 4000 && bad[0] == 0,
	    "js_log is Math.log on %ld edge cases (%ld differ)", explicit[0],
	    bad[0]);
	ok(explicit[1] > 4000 && bad[1] == 0,
	    "js_exp is Math.exp on %ld edge cases (%ld differ)", explicit[1],
	    bad[1]);
	ok(inputs >= 200000 && badblocks == 0,
	    "both are Node's on %ld random inputs in %ld blocks (%ld differ)",
	    inputs, blocks, badblocks);
	return done_testing();
}
