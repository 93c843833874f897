return Balms.Cli.CliApp.Run(args);
