/* dd_params: see dd_params.h. The table is generated from DD_PARAM_LIST. */
#include "dd_params.h"

#include <math.h>
#include <string.h>

#include "dd_names.h"

static const char *const mech_names[DD_MECH_COUNT] = {
    [DD_MECH_DETERRENCE] = "deterrence",
    [DD_MECH_VIOLENCE] = "violence",
    [DD_MECH_CONTAGION] = "contagion",
    [DD_MECH_STATE_AUTHORITY] = "state_authority",
    [DD_MECH_HOST_CAPACITY] = "host_capacity",
    [DD_MECH_CONSENT] = "consent",
    [DD_MECH_LEGITIMACY] = "legitimacy",
    [DD_MECH_PARTNERS] = "partners",
    [DD_MECH_CONTRIBUTORS] = "contributors",
    [DD_MECH_ACCOUNTABILITY] = "accountability",
    [DD_MECH_DISPLACEMENT] = "displacement",
    [DD_MECH_SHOCKS] = "shocks",
    [DD_MECH_MILITIAS] = "militias",
};

const char *dd_mech_name(dd_mech m)
{
    return dd_names_get(mech_names, DD_MECH_COUNT, (int)m);
}

int dd_mech_lookup(const char *name)
{
    return dd_names_find(mech_names, DD_MECH_COUNT, name);
}

static const dd_param_info table[] = {
#define DD_PARAM_INFO(mech, name, def, lo, hi, plo, phi, integral, unit, source)                    \
    {#name, offsetof(dd_params, name), def, lo, hi, plo, phi, integral, mech, unit, source},
    DD_PARAM_LIST(DD_PARAM_INFO)
#undef DD_PARAM_INFO
};

const dd_param_info *dd_params_table(size_t *count)
{
    *count = sizeof table / sizeof table[0];
    return table;
}

const dd_param_info *dd_params_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

double *dd_params_field(dd_params *p, const dd_param_info *info)
{
    return (double *)(void *)((char *)p + info->offset);
}

double dd_params_get(const dd_params *p, const dd_param_info *info)
{
    return *(const double *)(const void *)((const char *)p + info->offset);
}

void dd_params_default(dd_params *p)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        *dd_params_field(p, &table[i]) = table[i].def;
}

int dd_params_check_value(const dd_param_info *info, double value, dd_error *err)
{
    if (!isfinite(value) || value < info->min || value > info->max)
        return dd_error_set(err, DD_ERANGE, NULL, 0, "params.%s = %g is outside [%g, %g] (%s)",
                            info->name, value, info->min, info->max, info->unit);
    if (info->integral && value != floor(value))
        return dd_error_set(err, DD_ERANGE, NULL, 0, "params.%s = %g must be a whole number",
                            info->name, value);
    return DD_OK;
}

int dd_params_validate(const dd_params *p, dd_error *err)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        int rc = dd_params_check_value(&table[i], dd_params_get(p, &table[i]), err);
        if (rc != DD_OK)
            return rc;
    }
    return DD_OK;
}
