// The hosting tests drive real Linux processes (setpriv, /proc, signals).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
