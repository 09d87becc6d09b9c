using VAEase.Training;

namespace VAEase.Tests.Training;

/// <summary>The run folder's lock: held by another open handle (another process, as far as flock is concerned) it refuses
/// a claim without touching the folder; claims of one process nest; the last release removes the lock file and the
/// folders the claim created, once empty; a lock whose holder is gone is taken over.</summary>
public sealed class RunLockTests
{
    [Fact]
    public void Nested_claims_share_the_lock_and_the_last_release_removes_it_with_the_folders_it_created()
    {
        string root = TrainingFixture.TempDir(), dir = Path.Combine(root, "a", "run");
        using (RunLock outer = RunLock.Acquire(dir))
        {
            using (RunLock inner = RunLock.Acquire(Path.Combine(root, "a", ".", "run")))
                Assert.True(File.Exists(Path.Combine(dir, RunLock.FileName)));
            Assert.True(File.Exists(Path.Combine(dir, RunLock.FileName)), "the inner release dropped the outer claim");
        }
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void A_folder_locked_elsewhere_is_refused_until_its_holder_is_gone()
    {
        string dir = TrainingFixture.TempDir();
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), "{}");
            var other = new FileStream(Path.Combine(dir, RunLock.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            var e = Assert.Throws<VAEaseException>(() => RunLock.Acquire(dir));
            Assert.Equal($"{dir} is in use by another vaease process (it holds {Path.Combine(dir, RunLock.FileName)}); wait for that run to end or stop it, or use another folder", e.Message);
            other.Dispose(); // as the kernel does when the holder dies: the file stays, the lock goes

            using (RunLock.Acquire(dir)) { }
            Assert.Equal(["config.json"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
