/* gen_rand.c: splitmix64, so that one seed gives one mailbox on every
 * machine (libc rand() differs between implementations). */
#include "gen.h"

void grand_seed(struct grand *r, uint64_t seed) { r->s = seed ^ 0x6b657073696d21ULL; }

uint64_t grand_next(struct grand *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t grand_range(struct grand *r, uint64_t lo, uint64_t hi)
{
	return lo + grand_next(r) % (hi - lo + 1);
}

void grand_bytes(struct grand *r, unsigned char *out, size_t n)
{
	while (n > 0) {
		uint64_t v = grand_next(r);
		for (int i = 0; i < 8 && n > 0; i++, n--)
			*out++ = (unsigned char)(v >> (8 * i));
	}
}
