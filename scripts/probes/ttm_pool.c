// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_POOL
 * tracks: the page allocator of a TTM device became a struct ttm_pool
 *	in the device, used through ttm_pool_alloc()/ttm_pool_free(), instead
 *	of ttm_page_alloc.h's ttm_pool_populate()/ttm_pool_unpopulate()
 *	(between v5.10 and v6.1; the commit is not identified here).  Used
 *	by the test driver.
 * lines: 6.1 6.12 7.2 7.3
 */
#include <drm/ttm/ttm_pool.h>

void *nvlf_probe(void)
{
	return ttm_pool_alloc;
}
