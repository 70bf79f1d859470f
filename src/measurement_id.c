/* measurement_id: XXH64 over the table name and the key fields. */
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "measurement_id.h"

static void
put_le(XXH64_state_t *st, uint64_t v, size_t n)
{
	unsigned char b[8];
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	XXH64_update(st, b, n);
}

static void
put_str(XXH64_state_t *st, const struct value *v)
{
	put_le(st, v->u.str.len, 8);
	XXH64_update(st, v->u.str.ptr, v->u.str.len);
}

int64_t
measurement_id(const struct kind *k, const struct value *values)
{
	XXH64_state_t st;
	const struct value *v;
	uint64_t bits, h;
	size_t i;

	XXH64_reset(&st, 0);
	XXH64_update(&st, k->table, strlen(k->table) + 1);	/* with NUL */
	for (i = 0; i < k->nfields && k->fields[i].key; i++) {
		v = &values[i];
		switch (k->fields[i].type) {
		case FT_STR:
			put_str(&st, v);
			break;
		case FT_STR_OPT:
			put_le(&st, v->null ? 0 : 1, 1);
			if (!v->null)
				put_str(&st, v);
			break;
		case FT_I32:
			put_le(&st, (uint32_t)(int32_t)v->u.i64, 4);
			break;
		case FT_F64:
			memcpy(&bits, &v->u.f64, sizeof(bits));
			put_le(&st, bits, 8);
			break;
		case FT_I64:
		case FT_I64_OPT:
		case FT_I64_ARR:
			/* No kind has these in its key. */
			break;
		}
	}
	h = XXH64_digest(&st);
	return (int64_t)h;
}
