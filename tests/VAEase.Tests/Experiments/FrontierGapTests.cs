using VAEase.Experiments;

namespace VAEase.Tests.Experiments;

public sealed class FrontierGapTests
{
    // FVU halves-ish as L0 quadruples: log L0 = 0, ln 4, ln 16.
    static readonly FrontierPoint[] Frontier = [new(4, 0.1), new(1, 0.5), new(16, 0.02)];

    [Theory]
    [InlineData(2, 0.3)]    // halfway from ln 1 to ln 4: 0.5 + (0.1 - 0.5) / 2
    [InlineData(8, 0.06)]   // halfway from ln 4 to ln 16: 0.1 + (0.02 - 0.1) / 2
    [InlineData(4, 0.1)]    // on a point
    [InlineData(1, 0.5)]    // the ends belong to the range
    [InlineData(16, 0.02)]
    public void The_fvu_at_an_l0_is_linear_in_log_l0_between_the_neighbouring_points(double l0, double fvu) =>
        Assert.Equal(fvu, FrontierGap.FvuAt(Frontier, l0).Value!.Value, 12);

    [Theory]
    [InlineData(0.5)]
    [InlineData(17)]
    public void No_fvu_is_read_outside_the_swept_l0s(double l0)
    {
        FrontierValue value = FrontierGap.FvuAt(Frontier, l0);
        Assert.Null(value.Value);
        Assert.Equal("out of range (L0 1–16 swept)", value.Text);
    }

    [Theory]
    [InlineData(0.3, 2)]    // (0.3 - 0.5) / (0.1 - 0.5) = 1/2 of the way from ln 1 to ln 4
    [InlineData(0.06, 8)]   // 1/2 of the way from ln 4 to ln 16
    [InlineData(0.1, 4)]
    public void The_l0_that_reaches_an_fvu_is_read_on_the_segment_that_crosses_it(double fvu, double l0) =>
        Assert.Equal(l0, FrontierGap.L0For(Frontier, fvu).Value!.Value, 9);

    [Fact]
    public void An_fvu_below_every_point_is_not_reached_and_one_above_the_first_is_reached_at_the_smallest_l0()
    {
        FrontierValue below = FrontierGap.L0For(Frontier, 0.01);
        Assert.Null(below.Value);
        Assert.Equal("not reached (FVU ≥ 0.02 over L0 1–16)", below.Text);

        FrontierValue above = FrontierGap.L0For(Frontier, 0.6);
        Assert.Equal(1, above.Value);
        Assert.StartsWith("≤ 1 ", above.Text);
    }

    [Fact]
    public void On_a_frontier_that_rises_again_the_first_crossing_from_the_smallest_l0_counts()
    {
        FrontierPoint[] wavy = [new(1, 0.5), new(2, 0.05), new(4, 0.2), new(8, 0.01)];
        // Crosses 0.1 between L0 1 and 2: t = (0.1 - 0.5) / (0.05 - 0.5) = 8/9, L0 = 2^(8/9) = 1.85175...
        Assert.Equal(Math.Pow(2, 8.0 / 9), FrontierGap.L0For(wavy, 0.1).Value!.Value, 12);
    }

    [Fact]
    public void Points_of_equal_l0_merge_into_their_mean_and_l0_zero_is_left_out()
    {
        FrontierPoint[] points = [new(0, 0.9), new(2, 0.2), new(2, 0.4), new(8, 0.1)];
        // (2, 0.3) and (8, 0.1): at L0 4, halfway in log L0.
        Assert.Equal(0.2, FrontierGap.FvuAt(points, 4).Value!.Value, 12);
        Assert.Equal("out of range (L0 2–8 swept)", FrontierGap.FvuAt(points, 1).Text);
    }

    [Fact]
    public void The_table_reads_each_family_at_vaeases_point()
    {
        var families = new Dictionary<string, IReadOnlyList<FrontierPoint>> { ["sae-topk"] = Frontier, ["sae-l1"] = [new(20, 0.4), new(30, 0.3)] };
        IReadOnlyList<FrontierGapRow> table = FrontierGap.Table(families, new FrontierPoint(2, 0.06));

        Assert.Equal(("sae-topk", 0.3, 8.0), (table[0].Family, Math.Round(table[0].FvuAtL0.Value!.Value, 12), Math.Round(table[0].L0AtFvu.Value!.Value, 9)));
        Assert.Equal(("sae-l1", "out of range (L0 20–30 swept)", "not reached (FVU ≥ 0.3 over L0 20–30)"), (table[1].Family, table[1].FvuAtL0.Text, table[1].L0AtFvu.Text));
    }
}
