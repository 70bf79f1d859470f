/*
 * What the unit tests that read Node-made vectors share: their data files
 * beside this header, and the pseudo-random inputs (splitmix64, built from
 * integers only) that the vector scripts drew in JavaScript.
 */
#ifndef BENCHINGEST_TESTDATA_H
#define BENCHINGEST_TESTDATA_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* t/unit/NAME from the top of the tree, else beside this file. */
static FILE *
open_test_file(const char *name) __attribute__((unused));

static FILE *
open_test_file(const char *name)
{
	char path[4096];
	const char *slash = strrchr(__FILE__, '/');
	FILE *fp;

	snprintf(path, sizeof(path), "t/unit/%s", name);
	if ((fp = fopen(path, "r")) != NULL)
		return fp;
	snprintf(path, sizeof(path), "%.*s/%s",
	    slash != NULL ? (int)(slash - __FILE__) : 1,
	    slash != NULL ? __FILE__ : ".", name);
	return fopen(path, "r");
}

static uint64_t
splitmix(uint64_t *s) __attribute__((unused));

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z;

	*s += UINT64_C(0x9E3779B97F4A7C15);
	z = *s;
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static double
from_bits(uint64_t b) __attribute__((unused));

static double
from_bits(uint64_t b)
{
	double x;

	memcpy(&x, &b, sizeof(x));
	return x;
}

#endif
