using System.Buffers;
using System.Collections.Concurrent;
using Google.Protobuf;
using NATS.Client.Core;

namespace GamingSystem.ServiceDefaults.Messaging;

/// <summary>Writes any protobuf message straight into NATS's buffer.</summary>
public sealed class ProtobufSerializer : INatsSerialize<IMessage>
{
    public static ProtobufSerializer Instance { get; } = new();

    public void Serialize(IBufferWriter<byte> bufferWriter, IMessage value) => value.WriteTo(bufferWriter);
}

/// <summary>Reads a message of one known type from NATS's buffer, without copying it first.</summary>
public sealed class ProtobufDeserializer(MessageParser parser) : INatsDeserialize<IMessage>
{
    public IMessage? Deserialize(in ReadOnlySequence<byte> buffer) => parser.ParseFrom(buffer);
}

/// <summary>Typed protobuf serializer for <c>T : IMessage&lt;T&gt;</c>, used through the registry.</summary>
public sealed class ProtobufSerializer<T> : INatsSerializer<T>
    where T : IMessage<T>, new()
{
    public static ProtobufSerializer<T> Default { get; } = new();

    private static readonly MessageParser<T> Parser = new(() => new T());

    public void Serialize(IBufferWriter<byte> bufferWriter, T value) => value.WriteTo(bufferWriter);

    public T? Deserialize(in ReadOnlySequence<byte> buffer) => Parser.ParseFrom(buffer);

    public INatsSerializer<T> CombineWith(INatsSerializer<T> next) => this;
}

/// <summary>
/// NATS.Net has no protobuf serializer; this registry answers protobuf messages itself and hands every
/// other type to NATS.Net's defaults.
/// </summary>
public sealed class ProtobufSerializerRegistry : INatsSerializerRegistry
{
    public static ProtobufSerializerRegistry Instance { get; } = new();

    private static readonly ConcurrentDictionary<Type, object> Serializers = new();

    public INatsSerialize<T> GetSerializer<T>() =>
        Find<T>() as INatsSerialize<T> ?? NatsDefaultSerializerRegistry.Default.GetSerializer<T>();

    public INatsDeserialize<T> GetDeserializer<T>() =>
        Find<T>() as INatsDeserialize<T> ?? NatsDefaultSerializerRegistry.Default.GetDeserializer<T>();

    private static object? Find<T>()
    {
        var type = typeof(T);
        if (!typeof(IMessage).IsAssignableFrom(type) || type.IsAbstract || type.IsInterface)
        {
            return null;
        }

        return Serializers.GetOrAdd(type, static t =>
            typeof(ProtobufSerializer<>).MakeGenericType(t).GetProperty(nameof(ProtobufSerializer<Google.Protobuf.WellKnownTypes.Empty>.Default))!.GetValue(null)!);
    }
}
