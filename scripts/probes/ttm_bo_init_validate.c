// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_BO_INIT_VALIDATE
 * tracks: ttm_bo_init() (with the accounting size of the BO) became
 *	ttm_bo_init_validate() (between v5.10 and v6.1; the commit is not
 *	identified here).  Used by the test driver.
 * lines: 6.1 6.12 7.2 7.3
 */
#include "ttm_bo_any.h"

void *nvlf_probe(void)
{
	return ttm_bo_init_validate;
}
