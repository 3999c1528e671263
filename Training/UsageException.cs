using IlgpuSiamese.Network;

namespace IlgpuSiamese.Training;

/// <summary>A usage error: an option out of its range or a combination that cannot run. The message names the option; the CLI exits with code 2.</summary>
public sealed class UsageException(string message) : UserInputException(message);
