// The whole server: MiniLM is compiled in and embedded; every `aot serve` option works (`minilm-server --http-port 8000`).
return Aot.Server.Hosting.AotServer.Run(args, new Aot.Deploy.MiniLm.AllMiniLmL6V2.Serving());
