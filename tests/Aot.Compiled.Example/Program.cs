// The whole server: every `aot serve` option works (`minilm-server --http-port 8000 --port 8001 --max-batch 16`), and
// `--model minilm=PATH` serves another copy of the file, checked against the signature compiled in.
return Aot.Server.Hosting.AotServer.Run(args, new Aot.Compiled.Example.AllMiniLmL6V2.Serving(), new Aot.Compiled.Example.Tiny.Serving());
