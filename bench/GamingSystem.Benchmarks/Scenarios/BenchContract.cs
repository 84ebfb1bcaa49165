using GamingSystem.Benchmarks.V1;
using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace GamingSystem.Benchmarks.Scenarios;

/// <summary>The descriptors of bench.proto and what the SDK derives from them, looked up once.</summary>
internal static class BenchContract
{
    public static ServiceDescriptor Service { get; } = BenchReflection.Descriptor.Services.Single();

    public static MethodDescriptor Echo { get; } = Service.FindMethodByName(nameof(Echo));

    public static MethodDescriptor EchoSlow { get; } = Service.FindMethodByName(nameof(EchoSlow));

    public static MethodDescriptor Stream { get; } = Service.FindMethodByName(nameof(Stream));

    public static string EchoSubject { get; } = ServiceSubjects.For(Echo);

    public static string EchoSlowSubject { get; } = ServiceSubjects.For(EchoSlow);

    public static string StreamSubject { get; } = ServiceSubjects.For(Stream);

    public static string QueueGroup { get; } = ServiceSubjects.QueueGroup(Service);

    /// <summary>
    /// The bytes the SDK puts on the wire for an Echo call. Raw callers send exactly these, so every case carries
    /// the same payload; and since EchoRequest and EchoReply share a layout, a raw echo of them is a valid reply.
    /// </summary>
    public static byte[] EncodedRequest(byte[] payload) => new EchoRequest { Data = ByteString.CopyFrom(payload) }.ToByteArray();
}
