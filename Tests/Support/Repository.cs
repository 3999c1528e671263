namespace IlgpuSiamese.Tests.Support;

/// <summary>The checkout the tests run from, for the files they read from it (scripts, samples, the bundled model).</summary>
public static class Repository
{
    /// <summary>The nearest folder above the test binaries that holds IlgpuSiamese.sln.</summary>
    public static string Root()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "IlgpuSiamese.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException("IlgpuSiamese.sln not found above the test folder");
    }
}
