/*
 * The monotonic clock, one for every process of the host: deadlines,
 * back-offs, the listener's lease (generation.h) and request times are
 * all measured on it.
 */
#ifndef BENCHINGEST_CLOCK_H
#define BENCHINGEST_CLOCK_H

/* Microseconds since an arbitrary point, never going back. */
long long	clock_us(void);
/* The same in milliseconds. */
long long	clock_ms(void);

#endif
