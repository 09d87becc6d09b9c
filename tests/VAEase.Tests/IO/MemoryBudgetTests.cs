using VAEase.IO;

namespace VAEase.Tests.IO;

public sealed class MemoryBudgetTests
{
    [Fact]
    public void The_available_memory_is_positive_and_a_need_beyond_it_is_refused_with_both_figures()
    {
        long available = MemoryBudget.AvailableBytes();
        Assert.True(available > 0);
        MemoryBudget.Require(1 << 20, "a megabyte");

        var e = Assert.Throws<VAEaseException>(() => MemoryBudget.Require(2e16, "--thing 7", "lower --thing"));

        Assert.Equal($"--thing 7 needs about 20.0 PB of memory, {MemoryBudget.Text(available)} are available (lower --thing)", e.Message);
    }

    [Fact]
    public void A_file_larger_than_the_free_disk_is_refused_before_it_is_written()
    {
        string folder = Path.GetTempPath();
        MemoryBudget.RequireDisk(1024, folder, "a small file");
        var e = Assert.Throws<VAEaseException>(() => MemoryBudget.RequireDisk(1e20, folder, "the codes"));
        Assert.StartsWith("the codes needs about 100.0 EB of disk, ", e.Message);
    }

    [Theory]
    [InlineData(512, "512 B")]
    [InlineData(1500, "1.5 kB")]
    [InlineData(36e12, "36.0 TB")]
    [InlineData(1.6e19, "16.0 EB")]
    public void Byte_counts_read_in_decimal_units(double bytes, string text) => Assert.Equal(text, MemoryBudget.Text(bytes));
}
