// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_CACHING
 * tracks: the caching of a placement moved from TTM_PL_FLAG_CACHED and
 *	friends in ttm_place.flags to enum ttm_caching, given to
 *	ttm_tt_init() and kept in ttm_resource.bus.caching (between v5.10
 *	and v6.1; the commit is not identified here).  Used by the test
 *	driver.
 * lines: 6.1 6.12 7.2 7.3
 */
#include "ttm_bo_any.h"
#include <drm/ttm/ttm_resource.h>

void nvlf_probe(struct ttm_resource *res)
{
	res->bus.caching = ttm_cached;
}
