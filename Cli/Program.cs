using IlgpuSiamese.Cli.Commands;

return CommandList.Run(args);
