// The people of a generated department come from many countries, as a university's do: names in
// their own spelling (diacritics, Cyrillic, Vietnamese tones), the family names' feminine forms
// where the language has them, patronymics where they are used, and each country's phone numbers
// and addresses. Only the draws are random; the pools are plain data.
import type { SeededRandom } from './seeded-random.js';

/** A family name and its feminine form, or one name for both. */
type Surname = string | readonly [masculine: string, feminine: string];

interface NamePool {
  /** How often the pool is drawn, relative to the others. */
  weight: number;
  female: readonly string[];
  male: readonly string[];
  surnames: readonly Surname[];
  /** Patronymics from the father's name, [masculine, feminine], and how often a record has one. */
  patronymics?: { forms: readonly (readonly [string, string])[]; share: number };
  /** How often the family name is two (Spanish: the father's and the mother's). */
  doubleSurname?: number;
  phone(r: SeededRandom): string;
  address(r: SeededRandom): string;
}

const street = (r: SeededRandom, streets: readonly string[]) => `${r.pick(streets)} ${r.between(1, 180)}`;

const pools: readonly NamePool[] = [
  {
    // Croatian
    weight: 14,
    female: ['Ana', 'Iva', 'Petra', 'Lucija', 'Maja', 'Ivana', 'Marija', 'Katarina', 'Lana', 'Mia', 'Ema', 'Dora', 'Nika', 'Tena', 'Žana', 'Đurđica'],
    male: ['Luka', 'Ivan', 'Marko', 'Petar', 'Josip', 'Filip', 'Matej', 'Karlo', 'Dario', 'Tomislav', 'Šime', 'Željko', 'Zvonimir', 'Mislav', 'Domagoj', 'Goran'],
    surnames: ['Horvat', 'Kovačević', 'Babić', 'Marić', 'Jurić', 'Novak', 'Kovačić', 'Knežević', 'Vuković', 'Marković', 'Petrović', 'Matić', 'Tomić', 'Pavlović', 'Šarić', 'Božić', 'Blažević', 'Grgić', 'Lovrić', 'Perić', 'Radić', 'Šimić', 'Čolak', 'Đurić', 'Jukić'],
    phone: (r) => `+385 9${r.pick(['1', '2', '5', '8', '9'])} ${r.digits(3)} ${r.digits(4)}`,
    address: (r) => `${street(r, ['Ilica', 'Vukovarska', 'Savska cesta', 'Ulica kralja Zvonimira', 'Trg bana Jelačića', 'Šetalište Ivana Meštrovića'])}, ${r.pick(['10000 Zagreb', '21000 Split', '51000 Rijeka', '31000 Osijek', '23000 Zadar'])}`,
  },
  {
    // Czech
    weight: 8,
    female: ['Tereza', 'Eliška', 'Adéla', 'Kateřina', 'Barbora', 'Lucie', 'Veronika', 'Markéta', 'Šárka', 'Zuzana', 'Klára', 'Anežka', 'Natálie', 'Michaela'],
    male: ['Jakub', 'Tomáš', 'Jan', 'Ondřej', 'Vojtěch', 'Matěj', 'Lukáš', 'Jiří', 'Petr', 'Štěpán', 'Dominik', 'Adam', 'Radek', 'Zdeněk'],
    surnames: [
      ['Novák', 'Nováková'],
      ['Svoboda', 'Svobodová'],
      ['Novotný', 'Novotná'],
      ['Dvořák', 'Dvořáková'],
      ['Černý', 'Černá'],
      ['Procházka', 'Procházková'],
      ['Kučera', 'Kučerová'],
      ['Veselý', 'Veselá'],
      ['Horák', 'Horáková'],
      ['Němec', 'Němcová'],
      ['Pokorný', 'Pokorná'],
      ['Růžička', 'Růžičková'],
      ['Beneš', 'Benešová'],
      ['Fiala', 'Fialová'],
      ['Sedláček', 'Sedláčková'],
      ['Doležal', 'Doležalová'],
      ['Zeman', 'Zemanová'],
      ['Kolář', 'Kolářová'],
      'Krejčí',
    ],
    phone: (r) => `+420 ${r.pick(['6', '7'])}${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
    address: (r) => `${street(r, ['Vodičkova', 'Národní', 'Husova', 'Křižíkova', 'Masarykova', 'Údolní'])}, ${r.pick(['110 00 Praha 1', '602 00 Brno', '702 00 Ostrava', '301 00 Plzeň', '370 01 České Budějovice'])}`,
  },
  {
    // Polish
    weight: 9,
    female: ['Zofia', 'Zuzanna', 'Małgorzata', 'Agnieszka', 'Katarzyna', 'Joanna', 'Magdalena', 'Aleksandra', 'Weronika', 'Łucja', 'Julia', 'Natalia', 'Dominika', 'Bożena'],
    male: ['Jakub', 'Kacper', 'Mateusz', 'Michał', 'Łukasz', 'Piotr', 'Paweł', 'Krzysztof', 'Wojciech', 'Bartłomiej', 'Szymon', 'Jędrzej', 'Grzegorz', 'Maciej'],
    surnames: [
      'Nowak',
      ['Kowalski', 'Kowalska'],
      ['Wiśniewski', 'Wiśniewska'],
      'Wójcik',
      'Kowalczyk',
      ['Kamiński', 'Kamińska'],
      ['Lewandowski', 'Lewandowska'],
      ['Zieliński', 'Zielińska'],
      ['Szymański', 'Szymańska'],
      'Woźniak',
      ['Dąbrowski', 'Dąbrowska'],
      ['Kozłowski', 'Kozłowska'],
      ['Jankowski', 'Jankowska'],
      'Mazur',
      'Krawczyk',
      ['Grabowski', 'Grabowska'],
      ['Pawłowski', 'Pawłowska'],
      ['Michalski', 'Michalska'],
      'Król',
      'Wieczorek',
    ],
    phone: (r) => `+48 ${r.pick(['5', '6', '7', '8'])}${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
    address: (r) => `ul. ${street(r, ['Floriańska', 'Marszałkowska', 'Długa', 'Piotrkowska', 'Świętojańska', 'Grodzka'])}, ${r.pick(['31-019 Kraków', '00-001 Warszawa', '50-001 Wrocław', '80-831 Gdańsk', '90-001 Łódź'])}`,
  },
  {
    // German
    weight: 9,
    female: ['Anna', 'Lena', 'Sophie', 'Marie', 'Lea', 'Emma', 'Hannah', 'Johanna', 'Greta', 'Käthe', 'Lisa', 'Charlotte', 'Frieda', 'Jule'],
    male: ['Lukas', 'Jonas', 'Felix', 'Maximilian', 'Leon', 'Paul', 'Jürgen', 'Tobias', 'Florian', 'Niklas', 'Moritz', 'Björn', 'Sören', 'Matthias'],
    surnames: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Krüger', 'Hübner', 'Weiß', 'Günther', 'Köhler', 'Jäger'],
    phone: (r) => `+49 15${r.pick(['1', '2', '7', '9'])} ${r.digits(8)}`,
    address: (r) => `${street(r, ['Hauptstraße', 'Bahnhofstraße', 'Königstraße', 'Schloßallee', 'Gartenweg', 'Lindenstraße'])}, ${r.pick(['10115 Berlin', '80331 München', '50667 Köln', '40213 Düsseldorf', '90402 Nürnberg'])}`,
  },
  {
    // French
    weight: 7,
    female: ['Chloé', 'Léa', 'Manon', 'Camille', 'Inès', 'Éloïse', 'Zoé', 'Océane', 'Maëlle', 'Hélène', 'Clémence', 'Noémie', 'Anaïs', 'Agathe'],
    male: ['Lucas', 'Hugo', 'Théo', 'Louis', 'Gabriel', 'Raphaël', 'Noé', 'Mathéo', 'Jérôme', 'Loïc', 'Benoît', 'Clément', 'Étienne', 'François'],
    surnames: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Fournier', 'Mercier', 'Faure', 'Girard', 'Bonnet', 'Dupré', 'Lemaître', 'Rousseau', 'Chevalier', 'Lévêque'],
    phone: (r) => `+33 ${r.pick(['6', '7'])} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
    address: (r) => `${r.between(1, 120)} ${r.pick(['rue Saint-Honoré', 'rue de Rivoli', 'boulevard Haussmann', 'rue Émile-Zola', 'avenue Jean-Jaurès', 'place Bellecour'])}, ${r.pick(['75001 Paris', '69002 Lyon', '13001 Marseille', '31000 Toulouse', '44000 Nantes'])}`,
  },
  {
    // Spanish
    weight: 7,
    female: ['Lucía', 'María', 'Sofía', 'Martina', 'Paula', 'Valentina', 'Daniela', 'Alba', 'Inés', 'Begoña', 'Nerea', 'Ainhoa', 'Rocío', 'Julia'],
    male: ['Hugo', 'Mateo', 'Martín', 'Lucas', 'Álvaro', 'Adrián', 'Iván', 'Sergio', 'Jesús', 'Andrés', 'Raúl', 'Óscar', 'Joaquín', 'Íñigo'],
    surnames: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Jiménez', 'Hernández', 'Díaz', 'Moreno', 'Muñoz', 'Álvarez', 'Romero', 'Gutiérrez', 'Navarro', 'Ibáñez', 'Núñez', 'Peña', 'Castaño'],
    doubleSurname: 0.6,
    phone: (r) => `+34 6${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
    address: (r) => `${street(r, ['Calle Mayor', 'Gran Vía', 'Calle de Alcalá', 'Avenida de la Constitución', 'Calle Larios', 'Calle de Serrano'])}, ${r.pick(['28013 Madrid', '41004 Sevilla', '46002 València', '29005 Málaga', '14003 Córdoba'])}`,
  },
  {
    // Portuguese
    weight: 5,
    female: ['Beatriz', 'Leonor', 'Inês', 'Matilde', 'Carolina', 'Mariana', 'Joana', 'Margarida', 'Luísa', 'Sofia', 'Íris', 'Constança', 'Letícia', 'Conceição'],
    male: ['João', 'Rodrigo', 'Francisco', 'Martim', 'Tomás', 'Gonçalo', 'Duarte', 'Afonso', 'Simão', 'António', 'Sebastião', 'Vicente', 'Lourenço', 'André'],
    surnames: ['Silva', 'Santos', 'Ferreira', 'Pereira', 'Oliveira', 'Costa', 'Rodrigues', 'Martins', 'Sousa', 'Fernandes', 'Gonçalves', 'Gomes', 'Lopes', 'Marques', 'Magalhães', 'Simões', 'Gaspar', 'Guimarães', 'Araújo', 'Brandão'],
    doubleSurname: 0.3,
    phone: (r) => `+351 9${r.pick(['1', '2', '3', '6'])} ${r.digits(3)} ${r.digits(4)}`,
    address: (r) => `${street(r, ['Rua Augusta', 'Avenida da Liberdade', 'Rua de São Bento', 'Rua de Santa Catarina', 'Praça do Comércio'])}, ${r.pick(['1100-048 Lisboa', '4000-322 Porto', '3000-214 Coimbra', '4700-031 Braga', '7000-508 Évora'])}`,
  },
  {
    // Hungarian
    weight: 6,
    female: ['Réka', 'Zsófia', 'Anna', 'Dóra', 'Eszter', 'Boglárka', 'Lili', 'Zsuzsanna', 'Ildikó', 'Katalin', 'Tímea', 'Csilla', 'Ágnes', 'Júlia'],
    male: ['Bence', 'Máté', 'Levente', 'Dávid', 'Balázs', 'Ádám', 'Péter', 'Gergő', 'Zoltán', 'Csaba', 'Attila', 'Gábor', 'Áron', 'Dénes'],
    surnames: ['Nagy', 'Kovács', 'Tóth', 'Szabó', 'Horváth', 'Varga', 'Kiss', 'Molnár', 'Németh', 'Farkas', 'Balogh', 'Papp', 'Takács', 'Juhász', 'Lakatos', 'Mészáros', 'Oláh', 'Rácz', 'Fekete', 'Szűcs', 'Bíró', 'Győri', 'Vörös'],
    phone: (r) => `+36 ${r.pick(['20', '30', '70'])} ${r.digits(3)} ${r.digits(4)}`,
    address: (r) => `${r.pick(['1061 Budapest', '4024 Debrecen', '6720 Szeged', '7621 Pécs', '9021 Győr'])}, ${street(r, ['Andrássy út', 'Váci utca', 'Rákóczi út', 'Kossuth Lajos utca', 'Széchenyi tér'])}.`,
  },
  {
    // Turkish
    weight: 6,
    female: ['Zeynep', 'Elif', 'Ayşe', 'Fatma', 'Büşra', 'Gülşen', 'Şeyma', 'Özge', 'Çağla', 'Derya', 'İpek', 'Merve', 'Ebru', 'Nazlı'],
    male: ['Mehmet', 'Mustafa', 'Ahmet', 'Ali', 'Hüseyin', 'İbrahim', 'Emre', 'Burak', 'Oğuz', 'Çağatay', 'Barış', 'Gökhan', 'Uğur', 'Şükrü'],
    surnames: ['Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Yıldız', 'Yıldırım', 'Öztürk', 'Aydın', 'Özdemir', 'Arslan', 'Doğan', 'Kılıç', 'Aslan', 'Çetin', 'Kara', 'Koç', 'Kurt', 'Özkan', 'Şimşek', 'Güneş', 'Akgül', 'Türkmen'],
    phone: (r) => `+90 5${r.digits(2)} ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
    address: (r) => `${street(r, ['İstiklal Caddesi', 'Bağdat Caddesi', 'Atatürk Bulvarı', 'Cumhuriyet Caddesi', 'Kıbrıs Şehitleri Caddesi'])}, ${r.pick(['34433 Beyoğlu/İstanbul', '06420 Çankaya/Ankara', '35220 Konak/İzmir', '16010 Osmangazi/Bursa', '26010 Odunpazarı/Eskişehir'])}`,
  },
  {
    // Romanian
    weight: 6,
    female: ['Ioana', 'Maria', 'Andreea', 'Elena', 'Alexandra', 'Ștefania', 'Bianca', 'Ana-Maria', 'Mădălina', 'Irina', 'Cătălina', 'Roxana', 'Teodora', 'Oana'],
    male: ['Andrei', 'Alexandru', 'Ștefan', 'Mihai', 'Ionuț', 'Răzvan', 'Cristian', 'Bogdan', 'Vlad', 'Tudor', 'Mircea', 'Costin', 'Sorin', 'Dănuț'],
    surnames: ['Popescu', 'Ionescu', 'Popa', 'Dumitru', 'Stan', 'Stoica', 'Gheorghe', 'Matei', 'Ciobanu', 'Rusu', 'Munteanu', 'Constantin', 'Șerban', 'Țăranu', 'Moldovan', 'Lazăr', 'Mocanu', 'Bălan', 'Nistor', 'Dobre', 'Vasilescu', 'Căpraru'],
    phone: (r) => `+40 7${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
    address: (r) => `${street(r, ['Strada Lipscani', 'Bulevardul Unirii', 'Calea Victoriei', 'Strada Memorandumului', 'Bulevardul Ștefan cel Mare'])}, ${r.pick(['030167 București', '400114 Cluj-Napoca', '700259 Iași', '300086 Timișoara', '500030 Brașov'])}`,
  },
  {
    // Swedish
    weight: 4,
    female: ['Åsa', 'Märta', 'Linnéa', 'Elsa', 'Astrid', 'Ebba', 'Saga', 'Maja', 'Alva', 'Signe', 'Ingrid', 'Karin'],
    male: ['Björn', 'Örjan', 'Anders', 'Nils', 'Axel', 'Lars', 'Håkan', 'Gustav', 'Olle', 'Erik', 'Oskar', 'Måns', 'Ludvig'],
    surnames: ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Lindström', 'Åberg', 'Ström', 'Sjöberg', 'Bäckström', 'Löfgren', 'Öberg', 'Ångström', 'Lindqvist', 'Holmberg'],
    phone: (r) => `+46 7${r.pick(['0', '2', '3', '6'])} ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
    address: (r) => `${street(r, ['Drottninggatan', 'Storgatan', 'Kungsgatan', 'Götgatan', 'Sveavägen'])}, ${r.pick(['111 51 Stockholm', '411 38 Göteborg', '211 22 Malmö', '753 10 Uppsala', '901 84 Umeå'])}`,
  },
  {
    // Icelandic: the family name is the father's name with -son or -dóttir.
    weight: 2,
    female: ['Guðrún', 'Sigríður', 'Kristín', 'Helga', 'Þóra', 'Jóhanna', 'Ásdís', 'Hildur', 'Björk', 'Ragnheiður'],
    male: ['Jón', 'Sigurður', 'Guðmundur', 'Gunnar', 'Ólafur', 'Einar', 'Kristján', 'Magnús', 'Stefán', 'Þórður'],
    surnames: [
      ['Jónsson', 'Jónsdóttir'],
      ['Sigurðsson', 'Sigurðardóttir'],
      ['Guðmundsson', 'Guðmundsdóttir'],
      ['Gunnarsson', 'Gunnarsdóttir'],
      ['Ólafsson', 'Ólafsdóttir'],
      ['Einarsson', 'Einarsdóttir'],
      ['Kristjánsson', 'Kristjánsdóttir'],
      ['Magnússon', 'Magnúsdóttir'],
      ['Stefánsson', 'Stefánsdóttir'],
      ['Þórðarson', 'Þórðardóttir'],
    ],
    phone: (r) => `+354 ${r.pick(['6', '7', '8'])}${r.digits(2)} ${r.digits(4)}`,
    address: (r) => `${street(r, ['Laugavegur', 'Skólavörðustígur', 'Hverfisgata', 'Hafnarstræti'])}, ${r.pick(['101 Reykjavík', '600 Akureyri', '200 Kópavogur', '220 Hafnarfjörður'])}`,
  },
  {
    // Vietnamese: given names of two syllables, written after the family name at home.
    weight: 4,
    female: ['Ngọc Anh', 'Thu Trang', 'Phương Linh', 'Thảo', 'Hương', 'Lan Chi', 'Minh Châu', 'Bích Ngọc', 'Hồng Nhung', 'Khánh Linh'],
    male: ['Minh Đức', 'Quốc Bảo', 'Hoàng Nam', 'Tuấn Anh', 'Đức Huy', 'Văn Thắng', 'Gia Bảo', 'Quang Dũng', 'Thành Long', 'Hữu Phước'],
    surnames: ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý'],
    phone: (r) => `+84 9${r.digits(1)} ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
    address: (r) => `${r.between(1, 250)} ${r.pick(['Phố Hàng Bạc', 'Đường Lê Lợi', 'Đường Trần Hưng Đạo', 'Phố Huế', 'Đường Nguyễn Huệ'])}, ${r.pick(['Hà Nội', 'Thành phố Hồ Chí Minh', 'Đà Nẵng', 'Huế', 'Hải Phòng'])}`,
  },
  {
    // Bulgarian, in Cyrillic, with the patronymic most records keep.
    weight: 8,
    female: ['Мария', 'Иванка', 'Елена', 'Десислава', 'Цветелина', 'Йорданка', 'Гергана', 'Радослава', 'Виктория', 'Николина'],
    male: ['Георги', 'Иван', 'Димитър', 'Николай', 'Христо', 'Стоян', 'Петър', 'Йордан', 'Цветан', 'Радослав'],
    surnames: [
      ['Петров', 'Петрова'],
      ['Иванов', 'Иванова'],
      ['Георгиев', 'Георгиева'],
      ['Димитров', 'Димитрова'],
      ['Николов', 'Николова'],
      ['Христов', 'Христова'],
      ['Стоянов', 'Стоянова'],
      ['Тодоров', 'Тодорова'],
      ['Илиев', 'Илиева'],
      ['Ангелов', 'Ангелова'],
    ],
    patronymics: {
      share: 0.8,
      forms: [
        ['Георгиев', 'Георгиева'],
        ['Иванов', 'Иванова'],
        ['Димитров', 'Димитрова'],
        ['Николаев', 'Николаева'],
        ['Христов', 'Христова'],
        ['Стоянов', 'Стоянова'],
        ['Петров', 'Петрова'],
        ['Йорданов', 'Йорданова'],
        ['Цветанов', 'Цветанова'],
        ['Радославов', 'Радославова'],
      ],
    },
    phone: (r) => `+359 8${r.pick(['7', '8', '9'])} ${r.digits(3)} ${r.digits(4)}`,
    address: (r) => `${r.pick(['1000 София', '4000 Пловдив', '9000 Варна', '8000 Бургас', '5000 Велико Търново'])}, ${street(r, ['бул. Витоша', 'ул. Граф Игнатиев', 'бул. Цар Освободител', 'ул. Шипка', 'бул. Васил Левски'])}`,
  },
  {
    // Ukrainian, in Cyrillic, with the patronymic.
    weight: 5,
    female: ['Олена', 'Оксана', 'Ірина', 'Наталія', 'Юлія', 'Катерина', 'Ганна', 'Софія'],
    male: ['Олександр', 'Андрій', 'Дмитро', 'Сергій', 'Тарас', 'Богдан', 'Ігор', 'Юрій'],
    surnames: ['Шевченко', 'Коваленко', 'Бондаренко', 'Ткаченко', 'Кравченко', 'Мельник', 'Олійник', 'Лисенко', 'Ковальчук', 'Гнатюк', 'Поліщук', 'Савчук'],
    patronymics: {
      share: 0.9,
      forms: [
        ['Олександрович', 'Олександрівна'],
        ['Андрійович', 'Андріївна'],
        ['Дмитрович', 'Дмитрівна'],
        ['Сергійович', 'Сергіївна'],
        ['Тарасович', 'Тарасівна'],
        ['Богданович', 'Богданівна'],
        ['Ігорович', 'Ігорівна'],
        ['Юрійович', 'Юріївна'],
      ],
    },
    phone: (r) => `+380 ${r.pick(['50', '63', '67', '97'])} ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
    address: (r) => `${street(r, ['вул. Хрещатик', 'вул. Шевченка', 'просп. Свободи', 'вул. Сумська', 'вул. Дерибасівська'])}, ${r.pick(['01001 Київ', '79000 Львів', '61000 Харків', '65000 Одеса'])}`,
  },
];

const weights = pools.map((p) => p.weight);

interface GeneratedPerson {
  firstName: string;
  lastName: string;
  patronymic: string;
  phone: string;
  address: string;
}

/** A person drawn from one of the pools: a name in one language, that country's phone and address. */
export function drawPerson(r: SeededRandom): GeneratedPerson {
  const pool = r.weighted(pools, weights);
  const female = r.chance(0.5);
  const surname = (s: Surname) => (typeof s === 'string' ? s : s[female ? 1 : 0]);
  let lastName = surname(r.pick(pool.surnames));
  if (pool.doubleSurname && r.chance(pool.doubleSurname)) {
    const second = surname(r.pick(pool.surnames));
    if (second !== lastName) lastName = `${lastName} ${second}`;
  }
  const patronymic = pool.patronymics && r.chance(pool.patronymics.share) ? r.pick(pool.patronymics.forms)[female ? 1 : 0] : '';
  return { firstName: r.pick(female ? pool.female : pool.male), lastName, patronymic, phone: pool.phone(r), address: pool.address(r) };
}
