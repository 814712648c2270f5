/*
 * Tests of dd_calib's band penalty (drawdown-calibrate fit --band-penalty) on tables built
 * by hand: which rows it counts, and how far from the band's edge it measures.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dd_calib.h"
#include "test_check.h"

static void add_row(dd_calib_table *t, const char *target, double sim, double low, double high)
{
    dd_calib_row *r = &t->row[t->n_rows++];
    snprintf(r->target, sizeof r->target, "%s", target);
    snprintf(r->label, sizeof r->label, "row %d", t->n_rows);
    r->observed = 0.5 * (low + high);
    r->simulated = sim;
    r->low = low;
    r->high = high;
    r->inside = sim >= low && sim <= high;
}

static void add_band(dd_calib_table *t, const char *target, int needed)
{
    dd_calib_band *b = &t->band[t->n_bands++];
    snprintf(b->target, sizeof b->target, "%s", target);
    b->rule = "test";
    for (int i = 0; i < t->n_rows; i++)
        if (strcmp(t->row[i].target, target) == 0) {
            b->rows++;
            b->inside += t->row[i].inside;
        }
    b->needed = needed < 0 ? b->rows : needed;
    b->pass = b->inside >= b->needed;
}

START_TEST(test_calib__a_row_well_inside_costs_nothing)
{
    dd_calib_table t;
    memset(&t, 0, sizeof t);
    add_row(&t, "T1", 150.0, 100.0, 200.0);
    add_band(&t, "T1", -1);
    ck_assert_double_eq(dd_calib_band_penalty(&t), 0.0);
}
END_TEST

START_TEST(test_calib__distance_is_to_a_point_four_percent_inside_the_edge)
{
    /* Band 100-200: the aims are 104 and 192. A row at 200 (inside, on the edge) costs
       (8/192)^2; one at 96 (outside) costs (8/104)^2. */
    dd_calib_table t;
    memset(&t, 0, sizeof t);
    add_row(&t, "T1", 200.0, 100.0, 200.0);
    add_band(&t, "T1", -1);
    ck_assert_double_eq_tol(dd_calib_band_penalty(&t), pow(8.0 / 192.0, 2), 1e-12);
    t.row[0].simulated = 96.0;
    ck_assert_double_eq_tol(dd_calib_band_penalty(&t), pow(8.0 / 104.0, 2), 1e-12);
    /* A share band from 0: the distance is taken against at least 0.05. */
    memset(&t, 0, sizeof t);
    add_row(&t, "T5", 0.02, 0.0, 0.30);
    add_row(&t, "T5", 0.33, 0.0, 0.30);
    add_band(&t, "T5", -1);
    ck_assert_double_eq_tol(dd_calib_band_penalty(&t), pow((0.33 - 0.288) / 0.288, 2), 1e-12);
}
END_TEST

START_TEST(test_calib__a_band_of_k_of_n_lets_its_worst_rows_go)
{
    /* Seven of nine must hold: of three rows outside, the two farthest out cost nothing
       and the nearest one counts. */
    dd_calib_table t;
    memset(&t, 0, sizeof t);
    for (int i = 0; i < 6; i++)
        add_row(&t, "T2", 15.0, 10.0, 20.0);
    add_row(&t, "T2", 40.0, 10.0, 20.0);  /* far out */
    add_row(&t, "T2", 2.0, 10.0, 20.0);   /* far out */
    add_row(&t, "T2", 20.0, 10.0, 20.0); /* on the edge: 0.8 from its aim of 19.2 */
    add_band(&t, "T2", 7);
    ck_assert_double_eq_tol(dd_calib_band_penalty(&t), pow(0.8 / 19.2, 2), 1e-12);
}
END_TEST

START_TEST(test_calib__the_project_checks_are_left_out)
{
    /* T5r and T7x are the project's own checks, reported but not FACTS bands. */
    dd_calib_table t;
    memset(&t, 0, sizeof t);
    add_row(&t, "T5r", 0.9, 0.0, 0.1);
    add_row(&t, "T7x", 9e5, 2e5, 5e5);
    add_band(&t, "T5r", -1);
    add_band(&t, "T7x", -1);
    ck_assert_double_eq(dd_calib_band_penalty(&t), 0.0);
    add_row(&t, "T6", 300.0, 470.0, INFINITY); /* only a lower bound */
    add_band(&t, "T6", -1);
    ck_assert_double_eq_tol(dd_calib_band_penalty(&t), pow((488.8 - 300.0) / 488.8, 2), 1e-12);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        test_calib__a_row_well_inside_costs_nothing,
        test_calib__distance_is_to_a_point_four_percent_inside_the_edge,
        test_calib__a_band_of_k_of_n_lets_its_worst_rows_go,
        test_calib__the_project_checks_are_left_out,
    };
    return dd_test_run_case("calib", "penalty", 0, tests, DD_TEST_COUNT(tests));
}
