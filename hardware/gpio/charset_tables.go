package gpio

// translitTable is BGN/PCGN romanisation of Russian without diacritics,
// lower case; transliterate derives the capitals.
var translitTable = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e",
	'ж': "zh", 'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u",
	'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
}

// romCodes are the codes of the Cyrillic character ROM of WH1602/WH2004
// modules (0xA0–0xC7 and 0xE0–0xE6 hold the letters unlike Latin ones;
// the rest use the Latin look-alike, Ь is 'b').
var romCodes = map[rune]byte{
	'А': 'A', 'Б': 0xA0, 'В': 'B', 'Г': 0xA1, 'Д': 0xE0, 'Е': 'E', 'Ё': 0xA2,
	'Ж': 0xA3, 'З': 0xA4, 'И': 0xA5, 'Й': 0xA6, 'К': 'K', 'Л': 0xA7, 'М': 'M',
	'Н': 'H', 'О': 'O', 'П': 0xA8, 'Р': 'P', 'С': 'C', 'Т': 'T', 'У': 0xA9,
	'Ф': 0xAA, 'Х': 'X', 'Ц': 0xE1, 'Ч': 0xAB, 'Ш': 0xAC, 'Щ': 0xE2, 'Ъ': 0xAD,
	'Ы': 0xAE, 'Ь': 'b', 'Э': 0xAF, 'Ю': 0xB0, 'Я': 0xB1,

	'а': 'a', 'б': 0xB2, 'в': 0xB3, 'г': 0xB4, 'д': 0xE3, 'е': 'e', 'ё': 0xB5,
	'ж': 0xB6, 'з': 0xB7, 'и': 0xB8, 'й': 0xB9, 'к': 0xBA, 'л': 0xBB, 'м': 0xBC,
	'н': 0xBD, 'о': 'o', 'п': 0xBE, 'р': 'p', 'с': 'c', 'т': 0xBF, 'у': 'y',
	'ф': 0xE4, 'х': 'x', 'ц': 0xE5, 'ч': 0xC0, 'ш': 0xC1, 'щ': 0xE6, 'ъ': 0xC2,
	'ы': 0xC3, 'ь': 0xC4, 'э': 0xC5, 'ю': 0xC6, 'я': 0xC7,

	'«': 0xC8, '»': 0xC9, '№': 0xCC,
}

// lookAlikes stand in for punctuation and signs no ROM has; they are
// encoded in turn, so they must not contain a rune of this table.
var lookAlikes = map[rune]string{
	'«': `"`, '»': `"`, '„': `"`, '“': `"`, '”': `"`, '‘': "'", '’': "'",
	'—': "-", '–': "-", '‑': "-", '−': "-", '…': "...", '№': "N",
	'₽': "руб.", '×': "x", '·': ".", '•': "*",
}
