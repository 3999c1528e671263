namespace IlgpuSiamese.Network;

/// <summary>
/// Bad input from the user (a file, an option, a dataset): the message says what is wrong and names
/// the file. The CLI prints it without a stack trace and exits with code 1.
/// </summary>
public class UserInputException(string message, Exception? inner = null) : Exception(message, inner);
