Console.WriteLine("FASHN emulator");
