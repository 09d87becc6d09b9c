using VAEase.Training;

namespace VAEase.Tests.Training;

public sealed class ProcessMemoryTests
{
    [Theory]
    [InlineData("VmHWM:\t    2188 kB", 2188L * 1024)]      // Linux pads to 8 digits after a tab
    [InlineData("VmHWM:\t12345678 kB", 12345678L * 1024)]  // 8 digits: no space before the value
    [InlineData("VmHWM:\t2188 kB", 2188L * 1024)]          // kernels that do not pad (CI ran on one)
    [InlineData("VmHWM: 2188 kB", 2188L * 1024)]
    [InlineData("VmHWM:", 0L)]
    [InlineData("VmHWM:\tkB", 0L)]
    public void The_value_is_the_first_token_after_the_name_whatever_the_padding(string line, long bytes)
    {
        string[] status = ["Name:\tdotnet", "VmPeak:\t  999999 kB", line, "VmRSS:\t    1000 kB"];
        Assert.Equal(bytes, ProcessMemory.ParseStatusField(status, "VmHWM:"));
        Assert.Equal(1000L * 1024, ProcessMemory.ParseStatusField(status, "VmRSS:"));
        Assert.Equal(0, ProcessMemory.ParseStatusField(status, "VmSwap:"));
    }

    [Fact]
    public void This_process_reports_a_peak_at_least_its_current_size()
    {
        if (!File.Exists("/proc/self/status")) return;
        long rss = ProcessMemory.RssBytes(), peak = ProcessMemory.PeakRssBytes();
        Assert.InRange(rss, 1L << 20, long.MaxValue);
        Assert.True(peak >= rss, $"peak {peak} < current {rss}");
    }
}
