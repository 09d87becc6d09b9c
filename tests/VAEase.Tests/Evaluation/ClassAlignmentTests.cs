using VAEase.Data;
using VAEase.Evaluation;
using VAEase.IO;
using VAEase.Models;
using VAEase.Networks;
using static TorchSharp.torch;

namespace VAEase.Tests.Evaluation;

public sealed class ClassAlignmentTests
{
    [Fact]
    public void Given_four_hand_made_sets_the_distances_are_the_hand_computed_ones()
    {
        // kappa = 3; class 0: {0,1}, {0}; class 1: {2}, {1,2}.
        bool[] flags = [true, true, false, true, false, false, false, false, true, false, true, true];
        var result = ClassAlignment.Measure(new ActiveSets(flags, 3, ActiveRule.VarianceSplit), [0, 0, 1, 1]);

        Assert.Equal(1.0, result.Intra);                  // d({0,1},{0}) = 1, d({2},{1,2}) = 1
        Assert.Equal(10.0 / 4, result.Inter);             // 3 + 2 + 2 + 3 over 4 pairs
        Assert.Equal(2, result.IntraPairs);
        Assert.Equal(4, result.InterPairs);
        Assert.Equal(1.0, result.IntraPerClass[0]);
        Assert.Equal(1.0, result.IntraPerClass[1]);
        Assert.Equal(1.5, result.MeanActiveDims);
        Assert.Equal(2, result.ClassSizes[1]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void The_counting_formula_equals_a_brute_force_pair_loop(int seed)
    {
        var random = new Random(seed);
        int kappa = random.Next(1, 13);
        // Class 7 has one sample; the others have unequal random sizes.
        var labels = new List<long> { 7 };
        for (int c = 0; c < random.Next(1, 5); c++) labels.AddRange(Enumerable.Repeat((long)c, random.Next(1, 15)));
        long[] shuffled = labels.OrderBy(_ => random.Next()).ToArray();
        double[] density = shuffled.Select(_ => random.NextDouble()).ToArray();
        bool[] flags = Enumerable.Range(0, shuffled.Length * kappa).Select(e => random.NextDouble() < density[e / kappa]).ToArray();

        var result = ClassAlignment.Measure(new ActiveSets(flags, kappa, ActiveRule.FixedSigma, 0.05), shuffled);
        var expected = BruteForce(flags, kappa, shuffled);

        Assert.Equal(expected.Intra, result.Intra);
        Assert.Equal(expected.Inter, result.Inter);
        Assert.Equal(expected.IntraPairs, result.IntraPairs);
        Assert.Equal(expected.InterPairs, result.InterPairs);
        Assert.Equal(expected.PerClass, result.IntraPerClass);
        Assert.Null(result.IntraPerClass[7]);
    }

    [Fact]
    public void One_class_has_no_inter_distance_and_singletons_have_no_intra_distance()
    {
        bool[] flags = [true, false, false, true, true, true];
        var oneClass = ClassAlignment.Measure(new ActiveSets(flags, 2, ActiveRule.Nonzero), [3, 3, 3]);
        Assert.Null(oneClass.Inter);
        Assert.Equal(0, oneClass.InterPairs);
        Assert.Equal((2 + 1 + 1) / 3.0, oneClass.Intra);

        var singletons = ClassAlignment.Measure(new ActiveSets(flags, 2, ActiveRule.Nonzero), [0, 1, 2]);
        Assert.Null(singletons.Intra);
        Assert.Equal((2 + 1 + 1) / 3.0, singletons.Inter);
    }

    [Fact]
    public void Labels_must_match_the_samples()
    {
        Assert.Throws<ArgumentException>(() => ClassAlignment.Measure(new ActiveSets([true, false], 1, ActiveRule.Nonzero), [0]));
    }

    [Theory]
    [InlineData(ModelKind.VAEase, ActiveRule.FixedSigma)]
    [InlineData(ModelKind.SaeL1, ActiveRule.Nonzero)]
    public void Given_a_model_both_rules_are_measured_on_one_encoding(ModelKind kind, ActiveRule fixedRule)
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        using var model = ModelFactory.Create(new ModelConfig { Kind = kind, InputDim = 6, Latent = 5, Encoder = EncoderKind.SwishMlp });
        long[] labels = Enumerable.Range(0, 30).Select(i => (long)(i % 3)).ToArray();
        using var data = new Dataset(2 * randn(30, 6), labels, "random");

        IReadOnlyList<ClassAlignmentResult> results = ClassAlignment.Evaluate(model, data, batchSize: 7);

        EncodedSet encoded = EncodedSet.Of(model, data);
        Assert.Equal([ActiveRule.VarianceSplit, fixedRule], results.Select(r => r.Rule));
        Assert.Equal(ClassAlignment.Measure(ActiveSets.From(encoded, fixedRule), labels).Intra, results[1].Intra);
        Assert.Equal(ClassAlignment.Measure(ActiveSets.From(encoded, ActiveRule.VarianceSplit), labels).Inter, results[0].Inter);
        string json = Json.Serialize(results);
        Assert.Contains("\"intra_per_class\"", json);
        Assert.Contains(kind == ModelKind.VAEase ? "\"fixed-sigma\"" : "\"nonzero\"", json);
    }

    static (double? Intra, double? Inter, long IntraPairs, long InterPairs, SortedDictionary<long, double?> PerClass) BruteForce(bool[] flags, int kappa, long[] labels)
    {
        long intraSum = 0, interSum = 0, intraPairs = 0, interPairs = 0;
        var classSum = new Dictionary<long, long>();
        var classPairs = labels.Distinct().ToDictionary(l => l, _ => 0L);
        for (int a = 0; a < labels.Length; a++)
            for (int b = a + 1; b < labels.Length; b++)
            {
                var setA = Enumerable.Range(0, kappa).Where(j => flags[a * kappa + j]).ToHashSet();
                var setB = Enumerable.Range(0, kappa).Where(j => flags[b * kappa + j]).ToHashSet();
                int distance = setA.Union(setB).Count() - setA.Intersect(setB).Count();
                if (labels[a] == labels[b])
                {
                    intraSum += distance; intraPairs++;
                    classSum[labels[a]] = classSum.GetValueOrDefault(labels[a]) + distance;
                    classPairs[labels[a]]++;
                }
                else
                {
                    interSum += distance; interPairs++;
                }
            }
        var perClass = new SortedDictionary<long, double?>(classPairs.ToDictionary(p => p.Key, p => p.Value > 0 ? (double?)classSum[p.Key] / p.Value : null));
        return (intraPairs > 0 ? (double)intraSum / intraPairs : null, interPairs > 0 ? (double)interSum / interPairs : null, intraPairs, interPairs, perClass);
    }
}
