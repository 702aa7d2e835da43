/**
 * The subset of TensorFlow's event protos (tensorflow/core/util/event.proto,
 * tensorflow/core/framework/{summary,tensor,tensor_shape}.proto; TensorBoard ships copies under
 * tensorboard/compat/proto/) that a scalar reader needs, as a protobufjs JSON descriptor. Field
 * numbers and types are those of the .proto files; fields left out (graph_def, session_log,
 * source_metadata, histogram and image contents, ...) are skipped by the decoder as unknown
 * fields. `histo`, `image` and `audio` are declared as bytes only to see that a value is one.
 */
export const EVENT_PROTO_JSON = {
  nested: {
    tensorboard: {
      nested: {
        Event: {
          oneofs: { what: { oneof: ['fileVersion', 'graphDef', 'summary'] } },
          fields: {
            wallTime: { type: 'double', id: 1 },
            step: { type: 'int64', id: 2 },
            fileVersion: { type: 'string', id: 3 },
            graphDef: { type: 'bytes', id: 4 },
            summary: { type: 'Summary', id: 5 },
          },
        },
        Summary: {
          fields: { value: { rule: 'repeated', type: 'Value', id: 1 } },
          nested: {
            Value: {
              oneofs: { value: { oneof: ['simpleValue', 'obsoleteOldStyleHistogram', 'image', 'histo', 'audio', 'tensor'] } },
              fields: {
                nodeName: { type: 'string', id: 7 },
                tag: { type: 'string', id: 1 },
                metadata: { type: 'SummaryMetadata', id: 9 },
                simpleValue: { type: 'float', id: 2 },
                obsoleteOldStyleHistogram: { type: 'bytes', id: 3 },
                image: { type: 'bytes', id: 4 },
                histo: { type: 'bytes', id: 5 },
                audio: { type: 'bytes', id: 6 },
                tensor: { type: 'TensorProto', id: 8 },
              },
            },
          },
        },
        SummaryMetadata: {
          fields: {
            pluginData: { type: 'PluginData', id: 1 },
            displayName: { type: 'string', id: 2 },
            summaryDescription: { type: 'string', id: 3 },
            dataClass: { type: 'int32', id: 4 },
          },
          nested: {
            PluginData: {
              fields: {
                pluginName: { type: 'string', id: 1 },
                content: { type: 'bytes', id: 2 },
              },
            },
          },
        },
        TensorProto: {
          fields: {
            dtype: { type: 'int32', id: 1 },
            tensorShape: { type: 'TensorShapeProto', id: 2 },
            versionNumber: { type: 'int32', id: 3 },
            tensorContent: { type: 'bytes', id: 4 },
            halfVal: { rule: 'repeated', type: 'int32', id: 13, options: { packed: true } },
            floatVal: { rule: 'repeated', type: 'float', id: 5, options: { packed: true } },
            doubleVal: { rule: 'repeated', type: 'double', id: 6, options: { packed: true } },
            intVal: { rule: 'repeated', type: 'int32', id: 7, options: { packed: true } },
            stringVal: { rule: 'repeated', type: 'bytes', id: 8 },
            int64Val: { rule: 'repeated', type: 'int64', id: 10, options: { packed: true } },
          },
        },
        TensorShapeProto: {
          fields: {
            dim: { rule: 'repeated', type: 'Dim', id: 2 },
            unknownRank: { type: 'bool', id: 3 },
          },
          nested: {
            Dim: {
              fields: {
                size: { type: 'int64', id: 1 },
                name: { type: 'string', id: 2 },
              },
            },
          },
        },
      },
    },
  },
} as const;

/** TensorFlow DataType values (tensorflow/core/framework/types.proto) the reader knows. */
export const DT_FLOAT = 1;
export const DT_DOUBLE = 2;
export const DT_BFLOAT16 = 14;
export const DT_HALF = 19;
