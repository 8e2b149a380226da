package dev.replens.engine.io.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PickleException;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PyBytes;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PyDict;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PyList;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PyNone;
import dev.replens.engine.io.checkpoint.RestrictedUnpickler.PyTuple;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The restricted unpickler on pickles written by CPython 3.11's own {@code pickle.dumps} (hex
 * below) in every protocol, 0 to 5, and on hand-written hostile and damaged ones.
 *
 * <p>The value {@code OrderedDict([('a', [1, -2, 3.5, 'xé', None, True, False, 2**70, -2**70]),
 * ('b', (1,)), ('c', {'k': 255})])} exercises the text opcodes of protocol 0, the binary ones of 1
 * and 2, and the framed, memoized, stack-global form of 4 and 5.
 */
class RestrictedUnpicklerTest {

  private static final RestrictedUnpickler.PersistentLoader NO_PIDS =
      pid -> {
        throw new PickleException("unexpected persistent id");
      };

  @ParameterizedTest
  @ValueSource(
      strings = {
        "63636f6c6c656374696f6e730a4f726465726564446963740a70300a28745270310a56610a70320a286c70330a49310a61492d320a6146332e350a615678e90a70340a614e614930310a614930300a614c313138303539313632303731373431313330333432344c0a614c2d313138303539313632303731373431313330333432344c0a617356620a70350a2849310a7470360a7356630a70370a286470380a566b0a70390a493235350a73732e",
        "63636f6c6c656374696f6e730a4f726465726564446963740a7100295271012858010000006171025d7103284b014afeffffff47400c000000000000580300000078c3a971044e4930310a4930300a4c313138303539313632303731373431313330333432344c0a4c2d313138303539313632303731373431313330333432344c0a655801000000627105284b0174710658010000006371077d710858010000006b71094bff73752e",
        "800263636f6c6c656374696f6e730a4f726465726564446963740a7100295271012858010000006171025d7103284b014afeffffff47400c000000000000580300000078c3a971044e88898a090000000000000000408a090000000000000000c06558010000006271054b0185710658010000006371077d710858010000006b71094bff73752e",
        "800363636f6c6c656374696f6e730a4f726465726564446963740a7100295271012858010000006171025d7103284b014afeffffff47400c000000000000580300000078c3a971044e88898a090000000000000000408a090000000000000000c06558010000006271054b0185710658010000006371077d710858010000006b71094bff73752e",
        "80049570000000000000008c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c0161945d94284b014afeffffff47400c0000000000008c0378c3a9944e88898a090000000000000000408a090000000000000000c0658c0162944b0185948c0163947d948c016b944bff73752e",
        "80059570000000000000008c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c0161945d94284b014afeffffff47400c0000000000008c0378c3a9944e88898a090000000000000000408a090000000000000000c0658c0162944b0185948c0163947d948c016b944bff73752e"
      })
  void everyProtocolGivesTheSameValue(String hex) throws Exception {
    PyDict d = (PyDict) load(hex);
    assertThat(d.ordered).isTrue();
    assertThat(d.items.keySet()).containsExactly("a", "b", "c");
    PyList a = (PyList) d.items.get("a");
    BigInteger big = BigInteger.TWO.pow(70);
    assertThat(a.items)
        .containsExactly(
            1L, -2L, 3.5, "xé", PyNone.NONE, Boolean.TRUE, Boolean.FALSE, big, big.negate());
    assertThat(((PyTuple) d.items.get("b")).items).containsExactly(1L);
    assertThat(((PyDict) d.items.get("c")).items).containsEntry("k", 255L);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // protocol 2: builtins.set / frozenset by REDUCE, bytes by _codecs.encode(s, 'latin1')
        "80027d7100285801000000737101635f5f6275696c74696e5f5f0a7365740a71025d7103284b014b02658571045271055801000000667106635f5f6275696c74696e5f5f0a66726f7a656e7365740a71075d71084b036185710952710a580100000079710b635f636f646563730a656e636f64650a710c580300000000c3bf710d58060000006c6174696e31710e86710f527110752e",
        // protocol 4: EMPTY_SET + ADDITEMS, FROZENSET, SHORT_BINBYTES
        "80049523000000000000007d94288c0173948f94284b014b02908c016694284b0391948c017994430200ff94752e"
      })
  void setsAndBytesArePlainValues(String hex) throws Exception {
    PyDict d = (PyDict) load(hex);
    assertThat(((PyList) d.items.get("s")).items).containsExactly(1L, 2L);
    assertThat(((PyList) d.items.get("f")).kind).isEqualTo("frozenset");
    assertThat(((PyBytes) d.items.get("y")).bytes).containsExactly(0x00, 0xff);
  }

  @Test
  void aListThatHoldsItselfLoadsWithoutLooping() throws Exception {
    PyList l = (PyList) load("80025d71006800612e");
    assertThat(l.items).hasSize(1);
    assertThat(l.items.get(0)).isSameAs(l);
    assertThat(RestrictedUnpickler.describe(l)).isEqualTo("a list of 1");
    PyDict d = (PyDict) load("80027d710058020000006d6571016800732e");
    assertThat(d.items.get("me")).isSameAs(d);
  }

  @ParameterizedTest
  @CsvSource({
    // a global is refused where it is named, even if nothing ever calls it (GLOBAL, POP, NONE)
    "'\u0080\u0002cposix\nsystem\n0N.', posix.system",
    "'\u0080\u0002cbuiltins\ngetattr\n.', builtins.getattr",
    "'\u0080\u0002c__builtin__\neval\n.', builtins.eval",
    "'\u0080\u0002ctorch\nload\n.', torch.load",
    "'\u0080\u0002ctorch._utils\n_rebuild_qtensor\n.', torch._utils._rebuild_qtensor",
    "'\u0080\u0002cnumpy.core.multiarray\n_reconstruct\n.', numpy.core.multiarray._reconstruct",
    "'(S''ls''\nisubprocess\ncheck_output\n.', subprocess.check_output",
    "'\u0080\u0004\u008c\u000bcollections\u008c\u0014OrderedDict.fromkeys\u0093.',"
        + " collections.OrderedDict.fromkeys"
  })
  void anyOtherGlobalIsRefusedByName(String pickle, String global) {
    assertThatThrownBy(() -> load(pickle.getBytes(StandardCharsets.ISO_8859_1)))
        .isInstanceOfSatisfying(
            PickleException.class, e -> assertThat(e.refusedGlobal()).isEqualTo(global));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // BINUNICODE announcing 4 GB in a pickle of a dozen bytes: nothing is allocated
        "8002 58ffffffff | is truncated",
        "8002 | is truncated",
        "8006 4e2e | protocol 6",
        "8002 82 01 2e | extension registry",
        "8002 97 2e | out-of-band buffers",
        "8002 ff | unknown opcode 0xff",
        "8002 61 2e | empty stack",
        "8002 65 2e | needs a MARK",
        "8002 68 05 2e | memo entry 5",
        "8002 4b01 29 52 2e | not a function",
        "8002 63636f6c6c656374696f6e730a4f726465726564446963740a 4b01 85 52 2e | unexpected arguments"
      })
  void aDamagedPickleIsAPickleExceptionSayingWhat(String hex, String what) {
    byte[] bytes = HexFormat.of().parseHex(hex.replace(" ", ""));
    assertThatThrownBy(() -> load(bytes))
        .isInstanceOf(PickleException.class)
        .hasMessageContaining(what)
        .satisfies(e -> assertThat(((PickleException) e).refusedGlobal()).isNull());
  }

  @Test
  void aTensorIsAViewOfTheStorageItsPersistentIdNames() throws Exception {
    TorchStorage storage = TorchStorage.whole("0", TensorType.FLOAT32, 12);
    Object value =
        RestrictedUnpickler.load(
            ByteBuffer.wrap(TorchZipWriter.pickle(Map.of("w", Nd4j.zeros(3, 4)))),
            pid -> {
              PyTuple t = (PyTuple) pid;
              assertThat(t.items.subList(2, 5)).containsExactly("0", "cpu", 12L);
              return storage;
            });
    TorchTensorRef t = (TorchTensorRef) ((PyDict) value).items.get("w");
    assertThat(t.storage()).isSameAs(storage);
    assertThat(t.size()).containsExactly(3, 4);
    assertThat(t.stride()).containsExactly(4, 1);
    assertThat(t.offset()).isZero();
  }

  private static Object load(String hex) throws PickleException {
    return load(HexFormat.of().parseHex(hex));
  }

  private static Object load(byte[] bytes) throws PickleException {
    return RestrictedUnpickler.load(ByteBuffer.wrap(bytes), NO_PIDS);
  }
}
