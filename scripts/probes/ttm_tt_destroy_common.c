// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_TT_DESTROY_COMMON
 * tracks: a driver's ttm_tt_destroy callback had to call
 *	ttm_tt_destroy_common() (unpopulate, swap storage) before
 *	ttm_tt_fini() (until TTM did that itself, between v5.10 and v6.1;
 *	the commit is not identified here).  Used by the test driver.
 * lines: 5.10
 */
#include "ttm_bo_any.h"
#include <drm/ttm/ttm_tt.h>

void *nvlf_probe(void)
{
	return ttm_tt_destroy_common;
}
